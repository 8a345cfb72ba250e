import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nectos.settings")

app = Celery("nectos")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks module; reporting's gathers its parts' tasks.
app.autodiscover_tasks()
# The sweeper that re-queues jobs whose task was lost (nectos/sweep.py).
app.autodiscover_tasks(["nectos"], related_name="sweep")
