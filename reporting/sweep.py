"""Re-queues returns and snapshots whose task was lost (nectos.sweep)."""

import datetime as dt

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce

from nectos.sweep import GAVE_UP_MESSAGE, GIVE_UP_AFTER, STUCK_AFTER, _requeue


def returns_sweep(now: dt.datetime) -> dict[str, int]:
    from reporting.models import QuarterlyReturn, ReturnState
    from reporting.returns import tasks

    waiting = QuarterlyReturn.objects.filter(
        state__in=[ReturnState.QUEUED, ReturnState.RUNNING]
    ).annotate(due=Coalesce("queued_at", "requested_at"))
    gave_up = waiting.filter(
        requested_at__lt=now - GIVE_UP_AFTER, due__lt=now - STUCK_AFTER
    ).update(state=ReturnState.FAILED, message=GAVE_UP_MESSAGE)
    return {
        "returns": _requeue(
            waiting, stamp="queued_at", task=tasks.generate_quarterly_return, now=now
        ),
        "returns given up": gave_up,
    }


def snapshots_sweep(now: dt.datetime) -> dict[str, int]:
    from reporting.dashboards import tasks
    from reporting.models import DashboardSnapshot, SnapshotState

    # A snapshot without requested_at was never stamped: as old as can be.
    never = Value(dt.datetime.min.replace(tzinfo=dt.UTC), output_field=DateTimeField())
    waiting = DashboardSnapshot.objects.filter(
        state__in=[SnapshotState.QUEUED, SnapshotState.RUNNING]
    ).annotate(due=Coalesce("requested_at", never))
    return {
        "snapshots": _requeue(waiting, stamp="requested_at", task=tasks.compute_snapshot, now=now)
    }
