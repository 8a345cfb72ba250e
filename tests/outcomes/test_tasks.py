"""Task plumbing that needs no worker: publishing never raises for a broker
that is down, logs no identifiers, and the beat schedule names real tasks."""

import logging
import time

import pytest
from django.conf import settings
from django.db import transaction

from nectos.celery import app
from outcomes import tasks
from outcomes.models import Notification
from tests.outcomes.celery_support import free_port, using_broker
from tests.outcomes.helpers import make_episode


def test_publishing_to_a_closed_port_fails_fast_and_quietly(caplog):
    caplog.set_level(logging.WARNING, logger="nectos.publish")
    with using_broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        assert tasks.publish(tasks.refresh_episode, 424242) is False
        assert time.monotonic() - started < 2
    (record,) = [r for r in caplog.records if r.name == "nectos.publish"]
    assert record.getMessage() == (
        "Could not queue outcomes.refresh_episode (OperationalError); the sweeper will catch up."
    )
    assert "424242" not in record.getMessage()


@pytest.mark.django_db
def test_enqueue_waits_for_the_commit(alice, service_a, django_capture_on_commit_callbacks):
    episode = make_episode(service_a, alice, started_days_ago=30)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            tasks.enqueue(tasks.refresh_episode, episode.pk)
        assert not Notification.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()  # eager in tests: runs the task here
    assert Notification.objects.filter(followup__episode=episode, kind="due").exists()


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["outcomes-daily"]["task"] == tasks.daily_followups.name
    assert schedule["outcomes-sweep"]["task"] == tasks.sweep_followups.name
    assert schedule["outcomes-sweep"]["schedule"] <= 600  # every few minutes
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry


def test_the_tasks_retry_a_bounded_number_of_times_with_back_off():
    for task in (
        tasks.sweep_followups,
        tasks.refresh_episode,
        tasks.daily_followups,
        tasks.send_digest,
    ):
        assert task.max_retries == 5
        assert task.retry_backoff and task.retry_backoff_max == 600
        assert task.autoretry_for


def test_celery_follows_the_reliability_guidance():
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    options = conf.broker_transport_options
    assert options["socket_connect_timeout"] <= 2 and options["socket_timeout"] <= 2
    # One attempt: the sweepers, not a retry inside the request, catch up.
    assert options["max_retries"] == 1 and conf.task_publish_retry is False
    assert conf.task_time_limit < options["visibility_timeout"]
