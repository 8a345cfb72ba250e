"""Writes for the dashboards: asking for a snapshot, computing it, and the
nightly refresh."""

import datetime as dt
import logging

from django.db import transaction

from nectos import clock
from nectos.db_router import reads_as_of, replica_reads
from nectos.publish import publish_on_commit
from reporting.dashboards import figures
from reporting.dashboards.quarters import Quarter
from reporting.dashboards.queries import is_stale, newest_changes
from reporting.metrics import Cohort
from reporting.models import DashboardSnapshot, SnapshotState
from services.models import Service, User

log = logging.getLogger(__name__)


@transaction.atomic
def snapshot_request(
    *,
    service: Service,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    acting_user: User | None = None,
) -> DashboardSnapshot:
    """Queue a (re)computation of one cohort's snapshot, once: a request
    while one is already queued or running changes nothing. The previous
    figures stay readable until the new ones are in."""
    from reporting.dashboards.tasks import compute_snapshot

    snapshot, _created = DashboardSnapshot.objects.select_for_update().get_or_create(
        service=service, period_start=start, period_end=end, as_of=as_of
    )
    if snapshot.is_busy and not _created and not _stuck(snapshot):
        return snapshot
    snapshot.state = SnapshotState.QUEUED
    snapshot.progress = 0
    snapshot.requested_at = clock.now()
    snapshot.requested_by = acting_user
    snapshot.save(update_fields=["state", "progress", "requested_at", "requested_by"])
    publish_on_commit(compute_snapshot, snapshot.pk)
    return snapshot


# A queued or running snapshot not finished after this long is taken to be
# lost (a worker died, a publish failed) and may be asked for again.
STUCK_AFTER = dt.timedelta(minutes=15)


def _stuck(snapshot: DashboardSnapshot) -> bool:
    return snapshot.requested_at is None or clock.now() - snapshot.requested_at > STUCK_AFTER


def snapshot_compute(*, snapshot_id: int) -> DashboardSnapshot:
    """Work out the figures and store them. Progress is written as it goes,
    each step in its own short transaction so that the page can show it;
    the figures are saved in one."""
    snapshot = DashboardSnapshot.objects.select_related("service").get(pk=snapshot_id)
    # Stamp the start: a change made while we read is then newer than us.
    # The database's clock, because change times are the history events'
    # stamps, which the database writes.
    started = clock.database_now()
    _set(snapshot_id, state=SnapshotState.RUNNING, progress=0)
    cohort = Cohort(
        snapshot.period_start, snapshot.period_end, snapshot.as_of, [snapshot.service_id]
    )
    try:
        # On the read replica when there is one (stamped with where it stands).
        with replica_reads():
            started = reads_as_of(started)
            data = figures.compute(
                snapshot.service, cohort, progress=lambda p: _set(snapshot_id, progress=min(p, 99))
            )
    except Exception:
        _set(snapshot_id, state=SnapshotState.FAILED)
        log.exception("dashboard snapshot %s failed", snapshot_id)
        raise
    with transaction.atomic():
        snapshot = DashboardSnapshot.objects.select_for_update().get(pk=snapshot_id)
        snapshot.data = data
        snapshot.computed_at = started
        snapshot.state = SnapshotState.DONE
        snapshot.progress = 100
        snapshot.save(update_fields=["data", "computed_at", "state", "progress"])
    return snapshot


def _set(snapshot_id: int, **fields) -> None:
    DashboardSnapshot.objects.filter(pk=snapshot_id).update(**fields)


def snapshots_refresh(*, today: dt.date) -> list[int]:
    """The nightly job: for every service, the current and previous quarters
    as of today, queued when missing or older than the newest change they
    cover. Returns the snapshot ids queued."""
    quarters = [Quarter.of(today), Quarter.of(today).previous()]
    services = Service.objects.all()
    existing = {
        (s.service_id, s.period_start): s
        for s in DashboardSnapshot.objects.filter(
            as_of=today, period_start__in=[q.start for q in quarters]
        )
    }
    # Only changes since the oldest existing snapshot can make one stale.
    computed = [s.computed_at for s in existing.values() if s.computed_at is not None]
    changed = newest_changes(services, since=min(computed)) if computed else {}
    queued = []
    for service in services:
        for quarter in quarters:
            snapshot = existing.get((service.pk, quarter.start))
            if snapshot is not None and not is_stale(snapshot, changed.get(service.pk)):
                continue
            queued.append(
                snapshot_request(
                    service=service, start=quarter.start, end=quarter.end, as_of=today
                ).pk
            )
    return queued
