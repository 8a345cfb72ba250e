"""A partial index on appointments with no outcome recorded: the caseload's
banner and the waiting list's worklist count them on every view, a few
thousand among the country's hundreds of thousands (docs/benchmarks.md).
With it, an index on a service's referral ids, so that such joins read
the index alone. Built CONCURRENTLY."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clients", "0006_event_created_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(fields=["service", "id"], name="referral_service_id_idx"),
        ),
        AddIndexConcurrently(
            model_name="appointment",
            index=models.Index(
                condition=models.Q(("attendance", "")),
                fields=["referral", "appointment_date"],
                name="appointment_unresolved_idx",
            ),
        ),
    ]
