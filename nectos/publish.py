"""The one way the web and the jobs queue a Celery task.

PostgreSQL is the truth: every job a task would run is a row whose state
says it still waits (an import job `checking`, a return `queued`, a
break-glass notice without a sent time...). So a publish that fails costs
only time: the sweepers (nectos.sweep) find the row again and re-queue it.
A publish therefore never raises, and never names anything but the task:
its arguments are ids, but even ids stay out of the log line."""

import logging

from django.db import transaction
from kombu.exceptions import KombuError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger("nectos.publish")

# What a broker that is down, refuses, hangs or drops us can raise through
# kombu and redis-py; OSError covers sockets and timeouts.
BROKER_ERRORS = (BrokerError, KombuError, RedisError, OSError, TimeoutError)


def publish(task, *ids: int) -> bool:
    """Send `task(*ids)` now. False (and a warning without arguments) when
    the broker could not take it; the broker timeouts in settings bound how
    long that can take."""
    try:
        task.apply_async(args=ids)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not queue %s (%s); the sweeper will catch up.",
            getattr(task, "name", "a task"),
            type(error).__name__,
        )
        return False
    return True


def publish_on_commit(task, *ids: int) -> None:
    """Queue `task(*ids)` once the current transaction commits (at once
    outside one). Never raises for a broker that is away."""
    transaction.on_commit(lambda: publish(task, *ids))
