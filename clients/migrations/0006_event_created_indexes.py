"""Indexes on when history events happened: the dashboards ask what changed
since a snapshot was worked out, which then reads that day's changes, not
a service's whole history (docs/benchmarks.md). Built
CONCURRENTLY: event tables hold a row for every record ever written."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clients", "0005_pathway_date_rules"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("services", "0004_import_jobs"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="appointmentevent",
            index=models.Index(fields=["pgh_created_at"], name="appointmentevent_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="clientevent",
            index=models.Index(fields=["pgh_created_at"], name="clientevent_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="referralevent",
            index=models.Index(fields=["pgh_created_at"], name="referralevent_created_idx"),
        ),
    ]
