from django.db import migrations

from keywork.code_lists import seed_code_lists


def seed(apps, schema_editor):
    seed_code_lists(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("keywork", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
