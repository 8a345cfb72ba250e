"""Celery tasks: ids in, a plain function does the work."""

from celery import shared_task

from security.models import UserSession


@shared_task(name="security.sessions_clear_expired")
def sessions_clear_expired() -> None:
    UserSession.get_session_store_class().clear_expired()


@shared_task(name="security.membership_notify")
def membership_notify(service_id: int, user_id: int, change: str) -> int:
    from security.staff import membership_notice_send

    return membership_notice_send(service_id=service_id, user_id=user_id, change=change)


@shared_task(name="security.second_factor_notify")
def second_factor_notify(user_id: int, what: str) -> bool:
    from security.staff import second_factor_notice_send

    return second_factor_notice_send(user_id=user_id, what=what)
