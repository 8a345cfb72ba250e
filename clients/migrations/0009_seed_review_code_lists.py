from django.db import migrations

from clients.review_codes import seed_review_code_lists


def seed(apps, schema_editor):
    seed_review_code_lists(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("clients", "0008_client_reviews")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
