"""Celery tasks for the dashboards: ids in, an action called, nothing else."""

from celery import shared_task

from nectos import clock
from reporting.dashboards import actions


@shared_task(name="dashboards.compute_snapshot", max_retries=2, default_retry_delay=60)
def compute_snapshot(snapshot_id: int) -> None:
    actions.snapshot_compute(snapshot_id=snapshot_id)


@shared_task(name="dashboards.nightly_snapshots")
def nightly_snapshots() -> None:
    actions.snapshots_refresh(today=clock.today())
