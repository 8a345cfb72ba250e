"""QuarterlyReturn, ReportDownload and DashboardSnapshot now belong to reporting: their state leaves services; their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0005_import_job_expired"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the
            # owning app changes.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="quarterlyreturn",
                    name="commissioner",
                ),
                migrations.RemoveField(
                    model_name="quarterlyreturn",
                    name="services",
                ),
                migrations.RemoveField(
                    model_name="reportdownload",
                    name="quarterly_return",
                ),
                migrations.RemoveField(
                    model_name="reportdownload",
                    name="service",
                ),
                migrations.RemoveField(
                    model_name="reportdownload",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="DashboardSnapshot",
                ),
                migrations.DeleteModel(
                    name="QuarterlyReturn",
                ),
                migrations.DeleteModel(
                    name="ReportDownload",
                ),
            ],
        ),
    ]
