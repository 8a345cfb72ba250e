"""Celery tasks: ids only in, one action each. PostgreSQL is the truth, so a
task that never ran (Redis down, worker lost) costs only time: the sweeper
finds the same work a few minutes later."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError as DatabaseError

from nectos import clock
from nectos.publish import publish, publish_on_commit
from outcomes import actions, queries

logger = logging.getLogger(__name__)

# Bounded retries with exponential back-off and jitter (5 s, 10 s, ... at
# most 10 minutes, well inside the broker's visibility timeout).
RETRY = {
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="outcomes.sweep_followups", autoretry_for=(DatabaseError,), **RETRY)
def sweep_followups() -> None:
    """Every few minutes: catch up whatever a lost publish left behind."""
    actions.followups_sweep(as_of=clock.today())


@shared_task(name="outcomes.refresh_episode", autoretry_for=(DatabaseError,), **RETRY)
def refresh_episode(episode_id: int) -> None:
    """After a form is saved or an episode starts or ends: notify now rather
    than at the next sweep."""
    actions.followups_sweep(as_of=clock.today(), episode_ids=[episode_id])


@shared_task(name="outcomes.daily_followups", autoretry_for=(DatabaseError,), **RETRY)
def daily_followups() -> None:
    """Each morning: the day's states and notifications, then one digest
    task per keyworker with something due or overdue."""
    today = clock.today()
    actions.followups_sweep(as_of=today)
    for user_id in queries.digest_recipient_ids(as_of=today):
        publish(send_digest, user_id)


@shared_task(
    name="outcomes.send_digest", autoretry_for=(DatabaseError, SMTPException, OSError), **RETRY
)
def send_digest(user_id: int) -> None:
    user = queries.active_user(user_id)
    if user is not None:
        actions.digest_send(user=user, day=clock.today())


def enqueue(task, *args: int) -> None:
    """Queue `task` once the current transaction commits (nectos.publish)."""
    publish_on_commit(task, *args)
