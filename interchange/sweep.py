"""Re-queues import jobs whose task was lost (nectos.sweep)."""

import datetime as dt

from django.db import transaction
from django.db.models.functions import Coalesce

from nectos.sweep import BATCH, GIVE_UP_AFTER, STUCK_AFTER, _requeue


def import_jobs_sweep(now: dt.datetime) -> dict[str, int]:
    from interchange import tasks
    from interchange.actions import _finish
    from interchange.models import ImportJob, ImportState

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
