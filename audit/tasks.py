"""Celery tasks: ids in, a plain function does the work."""

from celery import shared_task

from audit.notices import break_glass_notice_deliver, break_glass_notice_send


# The name it had under security: messages already queued still find it.
@shared_task(name="security.break_glass_notify")
def break_glass_notify(user_id: int, service_ids: list[int]) -> int:
    # Kept for messages queued before notices became rows.
    return break_glass_notice_send(user_id=user_id, service_ids=service_ids)


@shared_task(name="security.send_break_glass_notice")
def send_break_glass_notice(notice_id: int) -> int:
    return break_glass_notice_deliver(notice_id=notice_id)
