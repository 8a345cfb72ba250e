import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nectos.settings")

app = Celery("nectos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Reporting modules live inside the services app but have their own tasks.
app.autodiscover_tasks(["services.returns", "services.dashboards", "services.interchange"])
# The sweepers that re-queue jobs whose task was lost (nectos/sweep.py).
app.autodiscover_tasks(["nectos"], related_name="sweep")
