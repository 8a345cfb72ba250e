from django.db import migrations

from clients.code_lists import seed_code_lists


def seed(apps, schema_editor):
    seed_code_lists(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
