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

The sweepers of each kind live with their app (interchange/sweep.py,
reporting/sweep.py, audit/sweep.py) and register here when the app is ready.

A row is re-queued when its task was last queued more than STUCK_AFTER ago
(longer than any task may run: the hard time limit is 5 minutes) and its
stamp moves to now, so a row is queued at most once per STUCK_AFTER. A job
(not a notice) still waiting GIVE_UP_AFTER after it was first asked for is
marked failed instead: its task fails every time, and the person who asked
can see so and ask again. Every task is safe to run twice."""

import datetime as dt
import logging
from collections.abc import Callable

from celery import shared_task
from django.db import transaction

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


# Each app registers the sweepers of its own jobs (in AppConfig.ready), so
# that this module, on the ground floor, imports none of them.
SWEEPERS: list[Callable[[dt.datetime], dict[str, int]]] = []


def register(sweeper: Callable[[dt.datetime], dict[str, int]]) -> None:
    if sweeper not in SWEEPERS:
        SWEEPERS.append(sweeper)


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue whatever waits too long; counts per kind (no ids)."""
    now = now or clock.now()
    counts: dict[str, int] = {}
    for sweeper in SWEEPERS:
        counts.update(sweeper(now))
    if any(counts.values()):
        log.warning("Sweep re-queued waiting jobs: %s", counts)
    return counts


@shared_task(name="nectos.sweep_jobs")
def sweep_jobs() -> dict[str, int]:
    return jobs_sweep()
