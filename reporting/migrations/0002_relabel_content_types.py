"""Content types follow the models: the rows Django made for them under
their old app label take the new one, so admin log entries and permissions
keep pointing at them (nothing stale, nothing duplicated)."""

from django.db import migrations

MODELS = ("quarterlyreturn", "reportdownload", "dashboardsnapshot")


def relabel(apps, schema_editor, old="services", new="reporting"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if content_type.objects.using(db).filter(app_label=new, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, old="reporting", new="services")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(relabel, relabel_back)]
