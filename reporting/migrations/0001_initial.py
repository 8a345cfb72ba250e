"""The reporting models as they stood in services: state only, on the tables services created (services_quarterlyreturn, services_reportdownload, services_dashboardsnapshot)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("services", "0006_reporting_models_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the
            # owning app changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="QuarterlyReturn",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("quarter", models.CharField(help_text="Such as 2026Q1.", max_length=6)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Building"),
                                    ("done", "Ready"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(default=0)),
                        ("message", models.CharField(blank=True, max_length=200)),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("generated_at", models.DateTimeField(blank=True, null=True)),
                        ("policy", models.JSONField(blank=True, default=dict)),
                        ("figures", models.JSONField(blank=True, null=True)),
                        ("xlsx", models.FileField(blank=True, upload_to="returns/")),
                        ("csv", models.FileField(blank=True, upload_to="returns/")),
                        (
                            "commissioner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="quarterly_returns",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "services",
                            models.ManyToManyField(related_name="+", to="services.service"),
                        ),
                    ],
                    options={
                        "db_table": "services_quarterlyreturn",
                        "ordering": ["-requested_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ReportDownload",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("return_xlsx", "Quarterly return (XLSX)"),
                                    ("return_csv", "Quarterly return (CSV)"),
                                    ("ndtms_extract", "NDTMS client-level extract"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("period_from", models.DateField(blank=True, null=True)),
                        ("period_to", models.DateField(blank=True, null=True)),
                        ("rows", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "quarterly_return",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="downloads",
                                to="reporting.quarterlyreturn",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="services.service",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "services_reportdownload",
                        "ordering": ["-at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DashboardSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        ("as_of", models.DateField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Computing"),
                                    ("done", "Ready"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(default=0)),
                        ("requested_at", models.DateTimeField(blank=True, null=True)),
                        ("computed_at", models.DateTimeField(blank=True, null=True)),
                        ("data", models.JSONField(blank=True, null=True)),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="snapshots",
                                to="services.service",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "services_dashboardsnapshot",
                        "ordering": ["service__code", "-period_start", "-as_of"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("service", "period_start", "period_end", "as_of"),
                                name="dashboard_snapshot_once_per_cohort",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("period_start__lte", models.F("period_end"))),
                                name="dashboard_snapshot_period_ordered",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("progress__lte", 100)),
                                name="dashboard_snapshot_progress_percent",
                            ),
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="quarterlyreturn",
                    index=models.Index(
                        fields=["commissioner", "quarter"], name="services_qu_commiss_be5178_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="quarterlyreturn",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("progress__lte", 100)),
                        name="quarterly_return_progress_percent",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="quarterlyreturn",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("quarter__regex", "^[0-9]{4}Q[1-4]$")),
                        name="quarterly_return_quarter",
                    ),
                ),
            ],
        ),
    ]
