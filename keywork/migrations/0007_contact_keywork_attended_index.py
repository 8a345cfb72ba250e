"""An index of attended keywork contacts for keywork intensity (see
docs/benchmarks.md). Built CONCURRENTLY: on a national database the
contacts table holds millions of rows and keyworkers keep logging."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("keywork", "0006_episode_not_before_referral"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("attendance", "attended"), ("contact_type", "keywork")),
                fields=["episode", "contact_date"],
                include=("duration_minutes",),
                name="contact_keywork_attended_idx",
            ),
        ),
    ]
