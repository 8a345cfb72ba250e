"""Writes for uploaded bundles: create a job, check it, confirm it, run it.
The checking and the import run in Celery tasks (tasks.py) that take the
job's id only."""

import datetime as dt
import logging

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from interchange.importing import ImportReport, import_bundle, scope_for
from interchange.models import ImportJob, ImportState
from nectos import clock
from nectos.publish import publish_on_commit
from services.models import User

log = logging.getLogger(__name__)

# Enough to fix a bundle by; the page says how many there were in all.
MAX_STORED_PROBLEMS = 10_000
# A checked bundle holds clients' records on disk: one not confirmed within
# a day is thrown away (the data may have moved on since its check anyway).
PREVIEW_LIFETIME = dt.timedelta(hours=24)


def progress_key(job_id: int) -> str:
    return f"interchange:import:{job_id}:progress"


def job_progress(job_id: int) -> tuple[int, str]:
    """(percent, what is happening) of a job's running task."""
    return cache.get(progress_key(job_id)) or (0, "Waiting to start")


def _reporter(job_id: int):
    last = {"percent": -1}

    def report(stage: str, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent != last["percent"] or fraction >= 1:
            last["percent"] = percent
            cache.set(progress_key(job_id), (percent, stage), timeout=3600)

    return report


def import_job_create(*, acting_user: User, upload: UploadedFile) -> ImportJob:
    from interchange import tasks

    with transaction.atomic():
        job = ImportJob(
            created_by=acting_user,
            # An upload read from a request always has its size.
            size=upload.size,  # type: ignore[misc]
            state=ImportState.CHECKING,
            queued_at=clock.now(),
        )
        # The stored name is the job's, never the uploader's file name.
        job.upload.save(f"bundle-{clock.now():%Y%m%d%H%M%S}.zip", upload, save=False)
        job.save()
        publish_on_commit(tasks.check_import, job.pk)
    return job


def _run(job: ImportJob, *, dry_run: bool) -> ImportReport:
    return import_bundle(
        job.upload.path,
        scope=scope_for(job.created_by),
        dry_run=dry_run,
        progress=_reporter(job.pk),
        audit={"via": "upload", "import_job": job.pk, "user": job.created_by_id},
    )


def import_job_check(*, job_id: int) -> None:
    """The dry run: counts and problems, nothing written."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.CHECKING:
        return  # a retried or duplicated task: already done
    report = _run(job, dry_run=True)
    job.report = report.as_dict(max_problems=MAX_STORED_PROBLEMS)
    job.state = ImportState.PREVIEW if report.ok else ImportState.REFUSED
    job.checked_at = clock.now()
    if not report.ok:
        _finish(job)
    job.save()
    cache.delete(progress_key(job.pk))


def import_job_confirm(*, job: ImportJob) -> ImportJob:
    from interchange import tasks

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportState.PREVIEW:
            return job
        job.state = ImportState.IMPORTING
        job.queued_at = clock.now()
        job.save(update_fields=["state", "queued_at"])
        publish_on_commit(tasks.run_import, job.pk)
    return job


def import_job_run(*, job_id: int) -> None:
    """The import itself, checked again first (the database may have moved
    since the preview): all of it, or nothing. The job's row stays locked
    until the import commits, so a second copy of the task (the sweeper's
    re-queue racing a late original) waits, then finds it finished."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=job_id)
        )
        if job.state != ImportState.IMPORTING:
            return
        try:
            report = _run(job, dry_run=False)
        except Exception:
            log.exception("import job %s failed", job.pk)
            job.state = ImportState.FAILED
            job.report = {**(job.report or {}), "crashed": True}
        else:
            job.report = report.as_dict(max_problems=MAX_STORED_PROBLEMS)
            job.state = ImportState.DONE if report.imported else ImportState.FAILED
        _finish(job)
        job.save()
    cache.delete(progress_key(job.pk))


def import_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Previews left unconfirmed past PREVIEW_LIFETIME lose their bundle and
    can no longer be confirmed. Returns how many expired."""
    cutoff = (now or clock.now()) - PREVIEW_LIFETIME
    expired = 0
    stale = ImportJob.objects.filter(state=ImportState.PREVIEW, checked_at__lt=cutoff)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=ImportState.PREVIEW)
                .first()
            )
            if job is None:  # confirmed (or expired) meanwhile
                continue
            job.state = ImportState.EXPIRED
            _finish(job)
            job.save(update_fields=["state", "finished_at", "upload"])
            expired += 1
    if expired:
        log.info("import previews expired: %s", expired)
    return expired


def _finish(job: ImportJob) -> None:
    """A finished job keeps its report, not the bundle."""
    job.finished_at = clock.now()
    if job.upload:
        job.upload.delete(save=False)
