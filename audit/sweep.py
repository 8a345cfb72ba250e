"""Re-queues break-glass notices not yet sent (nectos.sweep)."""

import datetime as dt

from django.db.models import F

from nectos.sweep import _requeue


def notices_sweep(now: dt.datetime) -> dict[str, int]:
    from audit.models import BreakGlassNotice
    from audit.tasks import send_break_glass_notice

    waiting = BreakGlassNotice.objects.filter(sent_at__isnull=True).annotate(due=F("queued_at"))
    return {
        "break-glass notices": _requeue(
            waiting, stamp="queued_at", task=send_break_glass_notice, now=now
        )
    }
