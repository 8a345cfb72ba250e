"""ImportJob now belongs to interchange: its state leaves services; its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0006_reporting_models_move_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the
            # owning app changes.
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name="ImportJob",
                ),
            ],
        ),
    ]
