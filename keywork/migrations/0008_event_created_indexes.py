"""Indexes on when history events happened: the dashboards ask what changed
since a snapshot was worked out, which then reads that day's changes, not
a service's whole history (docs/benchmarks.md). Built
CONCURRENTLY: event tables hold a row for every record ever written."""

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clients", "0006_event_created_indexes"),
        ("keywork", "0007_contact_keywork_attended_index"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="contactevent",
            index=models.Index(fields=["pgh_created_at"], name="contactevent_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="episodeevent",
            index=models.Index(fields=["pgh_created_at"], name="episodeevent_created_idx"),
        ),
    ]
