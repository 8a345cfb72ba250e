"""Sweepers: every kind of queued job is a row in PostgreSQL whose state
says it still waits, so a task lost on the way (the broker was away when it
was published, a worker died) is found here and queued again. Beat runs
`jobs_sweep` every few minutes (settings.CELERY_BEAT_SCHEDULE).

| kind | still waiting when | re-queued |
|---|---|---|
| import job | `checking` or `importing` | check_import or run_import |
| quarterly return | `queued` or `running` | generate_quarterly_return |
| dashboard snapshot | `queued` or `running` | compute_snapshot |
| break-glass notice | no `sent_at` | send_break_glass_notice |

A row is re-queued when its task was last queued more than STUCK_AFTER ago
(longer than any task may run: the hard time limit is 5 minutes) and its
stamp moves to now, so a row is queued at most once per STUCK_AFTER. A job
(not a notice) still waiting GIVE_UP_AFTER after it was first asked for is
marked failed instead: its task fails every time, and the person who asked
can see so and ask again. Every task is safe to run twice."""

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce

from nectos import clock
from nectos.publish import publish_on_commit

log = logging.getLogger("nectos.sweep")

STUCK_AFTER = dt.timedelta(minutes=15)
GIVE_UP_AFTER = dt.timedelta(hours=24)
# Rows handled per kind and sweep; the next sweep takes the rest.
BATCH = 500

GAVE_UP_MESSAGE = "This could not be finished. Please ask again, or tell the administrator."


def _requeue(queryset, *, stamp: str, task, now: dt.datetime) -> int:
    """Stamp and re-queue (after the commit) the rows of `queryset` whose
    annotated `due` is older than STUCK_AFTER."""
    with transaction.atomic():
        rows = list(
            queryset.filter(due__lt=now - STUCK_AFTER)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if rows:
            queryset.model.objects.filter(pk__in=rows).update(**{stamp: now})
        for pk in rows:
            publish_on_commit(task, pk)
    return len(rows)


def _import_jobs(now: dt.datetime) -> dict[str, int]:
    from services.interchange import tasks
    from services.interchange.actions import _finish
    from services.models import ImportJob, ImportState

    jobs = ImportJob.objects.annotate(due=Coalesce("queued_at", "checked_at", "created_at"))
    gave_up = 0
    for job in jobs.filter(
        state__in=[ImportState.CHECKING, ImportState.IMPORTING],
        created_at__lt=now - GIVE_UP_AFTER,
        due__lt=now - STUCK_AFTER,
    )[:BATCH]:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job.pk, state__in=[ImportState.CHECKING, ImportState.IMPORTING])
                .first()
            )
            if job is None:
                continue
            job.state = ImportState.FAILED
            job.report = {**(job.report or {}), "crashed": True}
            _finish(job)  # the bundle leaves the disk
            job.save()
            gave_up += 1
    return {
        "import checks": _requeue(
            jobs.filter(state=ImportState.CHECKING),
            stamp="queued_at",
            task=tasks.check_import,
            now=now,
        ),
        "imports": _requeue(
            jobs.filter(state=ImportState.IMPORTING),
            stamp="queued_at",
            task=tasks.run_import,
            now=now,
        ),
        "imports given up": gave_up,
    }


def _returns(now: dt.datetime) -> dict[str, int]:
    from services.models import QuarterlyReturn, ReturnState
    from services.returns import tasks

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


def _snapshots(now: dt.datetime) -> dict[str, int]:
    from services.dashboards import tasks
    from services.models import DashboardSnapshot, SnapshotState

    # A snapshot without requested_at was never stamped: as old as can be.
    never = Value(dt.datetime.min.replace(tzinfo=dt.UTC), output_field=DateTimeField())
    waiting = DashboardSnapshot.objects.filter(
        state__in=[SnapshotState.QUEUED, SnapshotState.RUNNING]
    ).annotate(due=Coalesce("requested_at", never))
    return {
        "snapshots": _requeue(waiting, stamp="requested_at", task=tasks.compute_snapshot, now=now)
    }


def _notices(now: dt.datetime) -> dict[str, int]:
    from services.security.models import BreakGlassNotice
    from services.security.tasks import send_break_glass_notice

    waiting = BreakGlassNotice.objects.filter(sent_at__isnull=True).annotate(due=F("queued_at"))
    return {
        "break-glass notices": _requeue(
            waiting, stamp="queued_at", task=send_break_glass_notice, now=now
        )
    }


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue whatever waits too long; counts per kind (no ids)."""
    now = now or clock.now()
    counts = {**_import_jobs(now), **_returns(now), **_snapshots(now), **_notices(now)}
    if any(counts.values()):
        log.warning("Sweep re-queued waiting jobs: %s", counts)
    return counts


@shared_task(name="nectos.sweep_jobs")
def sweep_jobs() -> dict[str, int]:
    return jobs_sweep()
