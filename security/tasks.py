"""Celery tasks: ids in, a plain function does the work."""

from celery import shared_task

from security.models import UserSession


@shared_task(name="security.sessions_clear_expired")
def sessions_clear_expired() -> None:
    UserSession.get_session_store_class().clear_expired()
