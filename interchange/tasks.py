"""Celery tasks for uploaded bundles: ids only in, one action each."""

from celery import shared_task

from interchange import actions


@shared_task(name="interchange.check_import")
def check_import(job_id: int) -> None:
    actions.import_job_check(job_id=job_id)


@shared_task(name="interchange.run_import")
def run_import(job_id: int) -> None:
    actions.import_job_run(job_id=job_id)


@shared_task(name="interchange.expire_previews")
def expire_previews() -> int:
    return actions.import_jobs_expire()
