"""Celery tasks: ids only in, one action each. PostgreSQL is the truth, so a
task that never ran (Redis down, worker lost) costs only time: the sweeper
finds the same work a few minutes later."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError as DatabaseError
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from nectos import clock
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
    """Queue `task` once the current transaction commits (at once outside
    one). Never raises for a broker that is down."""
    transaction.on_commit(lambda: publish(task, *args))


def publish(task, *args: int) -> bool:
    """Send a task; when the broker cannot be reached, log it (task name
    only: no arguments, so no identifiers) and carry on. The publish
    timeouts in settings bound how long this can take."""
    try:
        task.apply_async(args=args)
    except (BrokerError, RedisError, OSError) as error:
        logger.warning(
            "Could not queue %s (%s); the sweeper will catch up.",
            task.name,
            type(error).__name__,
        )
        return False
    return True
