"""Celery tasks: ids in, a plain function does the work."""

from celery import shared_task

from services.security.models import UserSession
from services.security.notices import break_glass_notice_send


@shared_task(name="security.break_glass_notify")
def break_glass_notify(user_id: int, service_ids: list[int]) -> int:
    return break_glass_notice_send(user_id=user_id, service_ids=service_ids)


@shared_task(name="security.sessions_clear_expired")
def sessions_clear_expired() -> None:
    UserSession.get_session_store_class().clear_expired()


@shared_task(name="security.membership_notify")
def membership_notify(service_id: int, user_id: int, change: str) -> int:
    from services.security.staff import membership_notice_send

    return membership_notice_send(service_id=service_id, user_id=user_id, change=change)


@shared_task(name="security.second_factor_notify")
def second_factor_notify(user_id: int, what: str) -> bool:
    from services.security.staff import second_factor_notice_send

    return second_factor_notice_send(user_id=user_id, what=what)
