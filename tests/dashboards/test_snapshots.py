"""Stored dashboards: computed once, shown with their time, refreshed on
request (queued) and each night when older than the newest change."""

import pytest
from django.conf import settings
from django.utils import timezone

from reporting.dashboards import actions, tasks
from reporting.dashboards.quarters import Quarter
from reporting.dashboards.queries import get_snapshot
from reporting.models import DashboardSnapshot
from tests.dashboards.helpers import AS_OF, PERIOD
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

Q1 = Quarter(2026, 1)
URL = "/dashboards/A/"
REFRESH = "/dashboards/A/snapshot/"


def _snapshot(service):
    return get_snapshot(service, Q1.start, Q1.end, AS_OF)


def test_a_first_visit_queues_the_work_after_commit(
    client_as, bob, service_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_as(bob).get(URL, PERIOD)
    snapshot = _snapshot(service_a)
    assert snapshot.state == "queued"
    assert 'data-testid="snapshot-status"' in response.content.decode()
    assert "Working out the figures: 0%" in response.content.decode()
    assert len(callbacks) == 1
    callbacks[0]()
    snapshot.refresh_from_db()
    assert (snapshot.state, snapshot.progress) == ("done", 100)
    assert snapshot.data["summary"]["service"] == "A"
    assert snapshot.computed_at is not None


def test_the_page_shows_when_the_figures_were_worked_out(client_as, bob, service_a, computed):
    body = computed(client_as(bob), URL).content.decode()
    snapshot = _snapshot(service_a)
    local = timezone.localtime(snapshot.computed_at)
    assert f"Figures worked out on <strong>{local:%-d %b %Y, %H:%M}</strong>" in body
    assert "Records have changed since" not in body


def test_a_manager_asks_for_fresh_figures_and_sees_progress(
    client_as, bob, service_a, computed, django_capture_on_commit_callbacks
):
    client = client_as(bob)
    computed(client, URL)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(REFRESH, PERIOD, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<progress id="snapshot-progress"' in body
    assert 'hx-trigger="every 1s"' in body
    assert _snapshot(service_a).requested_by == bob
    # Asking again while it is queued queues nothing more.
    with django_capture_on_commit_callbacks() as again:
        client.post(REFRESH, PERIOD, HTTP_HX_REQUEST="true")
    assert len(callbacks) == 1
    assert again == []
    callbacks[0]()
    poll = client.get(
        "/dashboards/A/snapshot/status/", dict(PERIOD, poll=1), HTTP_HX_REQUEST="true"
    )
    assert poll["HX-Refresh"] == "true"
    assert "Figures worked out on" in poll.content.decode()


def test_without_htmx_a_refresh_redirects_back_to_the_page(client_as, bob, service_a):
    response = client_as(bob).post(REFRESH, PERIOD)
    assert response.status_code == 302
    assert response["Location"] == "/dashboards/A/?quarter=2026Q1&as_of=2026-04-30"


def test_a_bad_refresh_request_is_refused(client_as, bob, service_a):
    response = client_as(bob).post(REFRESH, {"quarter": "nope", "as_of": "x"})
    assert response.status_code == 400
    assert not DashboardSnapshot.objects.exists()


def test_computing_writes_progress_and_keeps_old_figures_until_done(service_a, monkeypatch):
    seen = []
    snapshot = DashboardSnapshot.objects.create(
        service=service_a,
        period_start=Q1.start,
        period_end=Q1.end,
        as_of=AS_OF,
        data={"old": True},
    )
    real_set = actions._set

    def spy(snapshot_id, **fields):
        row = DashboardSnapshot.objects.get(pk=snapshot_id)
        seen.append((fields.get("progress"), row.data))
        real_set(snapshot_id, **fields)

    monkeypatch.setattr(actions, "_set", spy)
    actions.snapshot_compute(snapshot_id=snapshot.pk)
    progress = [p for p, _data in seen if p is not None]
    assert progress == sorted(progress)
    assert 0 < progress[1] < 99
    assert all(data == {"old": True} for _p, data in seen)
    snapshot.refresh_from_db()
    assert snapshot.state == "done" and "summary" in snapshot.data


def test_a_failed_computation_is_marked_failed(service_a, monkeypatch):
    snapshot = DashboardSnapshot.objects.create(
        service=service_a, period_start=Q1.start, period_end=Q1.end, as_of=AS_OF
    )

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions.figures, "compute", boom)
    with pytest.raises(RuntimeError):
        tasks.compute_snapshot(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.state == "failed"


def test_the_nightly_job_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-nightly"]
    assert entry["task"] == tasks.nightly_snapshots.name == "dashboards.nightly_snapshots"


def test_a_request_lost_for_a_quarter_of_an_hour_can_be_made_again(
    service_a, bob, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    snapshot = DashboardSnapshot.objects.create(
        service=service_a,
        period_start=Q1.start,
        period_end=Q1.end,
        as_of=AS_OF,
        state="running",
        requested_at=timezone.now() - dt.timedelta(minutes=16),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        actions.snapshot_request(
            service=service_a, start=Q1.start, end=Q1.end, as_of=AS_OF, acting_user=bob
        )
    assert len(callbacks) == 1
    snapshot.refresh_from_db()
    assert snapshot.state == "queued"
