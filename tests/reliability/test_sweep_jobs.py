"""The sweepers: every kind of job whose task was lost is queued again by
beat after STUCK_AFTER, finishes once, and one that never can is marked
failed after GIVE_UP_AFTER. Asking again for a stuck return queues it."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from audit.models import BreakGlassNotice
from audit.notices import break_glass_notice_deliver
from interchange.models import ImportJob
from nectos import clock
from nectos.sweep import GIVE_UP_AFTER, STUCK_AFTER, jobs_sweep, sweep_jobs
from reporting.models import DashboardSnapshot, QuarterlyReturn
from reporting.returns.actions import quarterly_return_request
from reporting.returns.quarters import Quarter
from tests.outcomes.celery_support import using_broker
from tests.reliability.helpers import every_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lost(closed_broker, world, client_as, alice, bob, charlie, dora, capture):
    """Every publisher used through the web while the broker was down."""
    with using_broker(closed_broker), capture(execute=True):
        every_publisher(client_as, world, alice=alice, bob=bob, charlie=charlie, dora=dora)
    mail.outbox.clear()


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def sweep_at(when: dt.datetime, capture) -> dict:
    """Beat's sweep at `when`, its tasks run (eagerly) after its commit."""
    with capture(execute=True):
        return jobs_sweep(now=when)


def test_nothing_is_queued_again_before_its_time(lost, capture):
    counts = sweep_at(clock.now() + STUCK_AFTER - dt.timedelta(minutes=1), capture)
    assert not any(counts.values()), counts
    assert ImportJob.objects.get().state == "checking"


def test_every_lost_job_is_queued_again_and_finishes_once(lost, capture):
    later = clock.now() + STUCK_AFTER + dt.timedelta(minutes=1)
    counts = sweep_at(later, capture)
    assert counts == {
        "import checks": 1,
        "imports": 0,
        "imports given up": 0,
        "returns": 1,
        "returns given up": 0,
        "snapshots": 2,
        "break-glass notices": 1,
    }
    assert ImportJob.objects.get().state == "preview"
    assert QuarterlyReturn.objects.get().state == "done"
    assert set(DashboardSnapshot.objects.values_list("state", flat=True)) == {"done"}
    notice = BreakGlassNotice.objects.get()
    assert notice.sent_at is not None and notice.emails == 1
    assert len(mail.outbox) == 1
    # The next sweeps find nothing more to do, and nobody is told twice.
    for minutes in (1, 20, 60):
        counts = sweep_at(later + dt.timedelta(minutes=minutes), capture)
        assert not any(counts.values()), counts
    assert len(mail.outbox) == 1


def test_a_confirmed_import_whose_task_was_lost_is_imported_once(
    closed_broker, bob, alice, client_as, capture
):
    from clients.models import Client
    from tests.reliability.helpers import bundle

    web = client_as(bob)
    with capture(execute=True):
        web.post(reverse("interchange:index"), {"bundle": bundle()})
    job = ImportJob.objects.get()
    with using_broker(closed_broker), capture(execute=True):
        web.post(reverse("interchange:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "importing"
    counts = sweep_at(clock.now() + STUCK_AFTER + dt.timedelta(minutes=1), capture)
    assert counts["imports"] == 1
    job.refresh_from_db()
    assert job.state == "done" and not job.upload
    assert Client.objects.filter(reference="C1").count() == 1
    # A late copy of the task finds it done and writes nothing.
    from interchange.tasks import run_import

    run_import(job.pk)
    assert Client.objects.filter(reference="C1").count() == 1


def test_a_job_that_never_finishes_is_marked_failed_after_a_day(lost, capture, monkeypatch):
    from interchange import actions as interchange_actions
    from reporting.returns import build

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(interchange_actions, "import_bundle", broken)
    monkeypatch.setattr("reporting.returns.actions.build_return", broken)
    assert build  # the return's builder is replaced where it is used
    with pytest.raises(RuntimeError):
        sweep_at(clock.now() + STUCK_AFTER + dt.timedelta(minutes=1), capture)
    job = ImportJob.objects.get()
    assert job.state == "checking"  # the check crashed: still waiting
    counts = sweep_at(clock.now() + GIVE_UP_AFTER + dt.timedelta(minutes=1), capture)
    assert counts["imports given up"] == 1
    job.refresh_from_db()
    assert job.state == "failed" and not job.upload and job.finished_at


def test_asking_again_for_a_stuck_return_queues_it_again(dora, seeded_pair, capture):
    quarter = Quarter.latest_complete(clock.today())
    with capture(execute=False) as first:
        qr = quarterly_return_request(commissioner=dora, quarter=quarter)
    assert len(first) == 1  # its task is lost: never run
    # Asked again at once: the same return, still on its way, nothing new.
    with capture(execute=False) as again:
        assert quarterly_return_request(commissioner=dora, quarter=quarter) == qr
    assert again == []
    later_on = clock.now() + STUCK_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later_on), capture(execute=True) as later:
        assert quarterly_return_request(commissioner=dora, quarter=quarter) == qr
    assert len(later) == 1
    qr.refresh_from_db()
    assert qr.state == "done"
    assert QuarterlyReturn.objects.count() == 1


@pytest.fixture
def seeded_pair(service_a, service_b):
    return service_a, service_b


def test_a_notice_is_sent_once_however_often_its_task_runs(world, client_as, charlie, capture):
    from tests.reliability.helpers import REASON

    with capture(execute=True):
        client_as(charlie).post(
            "/break-glass/",
            {"reference": world["client"].reference, "reason": REASON, "category": "transfer"},
        )
    notice = BreakGlassNotice.objects.get()
    assert notice.sent_at is not None and len(mail.outbox) == 1
    assert break_glass_notice_deliver(notice_id=notice.pk) == 0
    assert len(mail.outbox) == 1


def test_beat_runs_the_sweep_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-sweep"]
    assert entry["task"] == sweep_jobs.name == "nectos.sweep_jobs"
    assert entry["schedule"] <= 600
    assert STUCK_AFTER.total_seconds() > settings.CELERY_TASK_TIME_LIMIT


def test_a_return_waiting_a_day_is_marked_failed_and_can_be_asked_for_again(
    dora, seeded_pair, capture
):
    from nectos.sweep import GAVE_UP_MESSAGE

    quarter = Quarter.latest_complete(clock.today())
    with capture(execute=False):
        qr = quarterly_return_request(commissioner=dora, quarter=quarter)
    long_ago = clock.now() - GIVE_UP_AFTER - dt.timedelta(minutes=1)
    QuarterlyReturn.objects.filter(pk=qr.pk).update(requested_at=long_ago, queued_at=long_ago)
    with capture(execute=False) as queued:
        counts = jobs_sweep()
    assert (counts["returns given up"], counts["returns"], queued) == (1, 0, [])
    qr.refresh_from_db()
    assert (qr.state, qr.message) == ("failed", GAVE_UP_MESSAGE)
    with capture(execute=True):
        again = quarterly_return_request(commissioner=dora, quarter=quarter)
    assert again.pk != qr.pk
    again.refresh_from_db()
    assert again.state == "done"
