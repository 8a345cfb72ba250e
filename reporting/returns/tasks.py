"""Celery tasks for returns: ids only in, one action each."""

from celery import shared_task
from django.db import OperationalError as DatabaseError

from reporting.returns import actions

RETRY = {
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="returns.generate_quarterly_return", autoretry_for=(DatabaseError,), **RETRY)
def generate_quarterly_return(return_id: int) -> None:
    actions.quarterly_return_generate(return_id=return_id)
