"""A real `celery -A nectos worker` against the real Redis: the task's effect
shows in the database. Skipped with a notice without Redis unless CI is set."""

import pytest
from django.urls import reverse

from outcomes.models import FollowUp, Notification
from outcomes.tasks import publish, sweep_followups
from tests.outcomes.celery_support import (
    SHARED_REDIS,
    Worker,
    purge,
    require_redis,
    using_broker,
    wait_until,
)
from tests.outcomes.helpers import form_post, make_episode

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def worker(django_db_setup):
    """One worker for the module (it takes seconds to start), on the test
    database; each test commits its own rows (transaction=True)."""
    require_redis(SHARED_REDIS)
    purge(SHARED_REDIS)
    worker = Worker(SHARED_REDIS)
    try:
        worker.wait_for(r"ready\.")
        yield worker
    finally:
        worker.stop()


def test_the_sweeper_runs_in_a_real_worker(worker, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=30)
    with using_broker(SHARED_REDIS):
        assert publish(sweep_followups)
    worker.wait_for(r"outcomes\.sweep_followups\[.*\] succeeded")
    row = FollowUp.objects.get(episode=episode, timepoint="day30")
    assert row.state == "due"
    assert Notification.objects.get(followup=row).recipient == alice


def test_a_saved_form_queues_its_episode_after_commit(worker, client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=40)
    with using_broker(SHARED_REDIS):
        response = client_as(alice).post(
            reverse("outcomes:form_create", args=[episode.pk]),
            form_post(timepoint="baseline", form_date=episode.start_date),
        )
    assert response.status_code == 302
    worker.wait_for(r"outcomes\.refresh_episode\[.*\] succeeded")
    assert wait_until(
        lambda: Notification.objects.filter(
            followup__episode=episode, followup__timepoint="day30", kind="overdue"
        ).exists(),
        timeout=10,
    )
