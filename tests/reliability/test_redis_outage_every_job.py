"""The fault test: a Redis of our own is stopped while every publisher is
used through the web (an import upload and confirm, a quarterly return, a
dashboard's first look and a refresh, a break-glass access, an outcome
form); nothing answers 500 and everything is stored as waiting. Redis
comes back, a real worker starts, beat's sweep runs, and every job
finishes exactly once."""

import shutil
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import BreakGlassNotice
from interchange.actions import import_job_check, import_job_create
from interchange.models import ImportJob
from nectos.publish import publish
from nectos.sweep import STUCK_AFTER, sweep_jobs
from outcomes.tasks import sweep_followups
from reporting.models import DashboardSnapshot, QuarterlyReturn
from tests.outcomes.celery_support import PrivateRedis, Worker, using_broker
from tests.reliability.helpers import bundle, every_publisher

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

DONE = r"\] succeeded"


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("fault test skipped: no redis-server to start and stop")
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def shared_media(settings, tmp_path, monkeypatch):
    """The web (this process) and the worker read the same uploads."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def test_every_job_set_going_while_redis_is_away_finishes_once(
    redis_server, shared_media, world, client_as, alice, bob, charlie, dora
):
    started = time.monotonic()
    # A bundle already checked, waiting for its manager to confirm it.
    upload = SimpleUploadedFile("bundle.zip", bundle().getvalue())
    with using_broker(redis_server.url):
        redis_server.stop()
        checked = import_job_create(acting_user=bob, upload=upload)
        import_job_check(job_id=checked.pk)
        checked.refresh_from_db()
        assert checked.state == "preview"

        # Redis is away: every publisher, through the web.
        responses = every_publisher(
            client_as, world, alice=alice, bob=bob, charlie=charlie, dora=dora
        )
        responses["import confirm"] = client_as(bob).post(
            reverse("interchange:confirm", args=[checked.pk])
        )
        codes = {name: r.status_code for name, r in responses.items()}
        assert all(code < 500 for code in codes.values()), codes
        assert dict(ImportJob.objects.values_list("pk", "state")) == {
            checked.pk: "importing",
            ImportJob.objects.exclude(pk=checked.pk).get().pk: "checking",
        }
        assert QuarterlyReturn.objects.get().state == "queued"
        assert set(DashboardSnapshot.objects.values_list("state", flat=True)) == {"queued"}
        assert BreakGlassNotice.objects.get().sent_at is None
        outage = time.monotonic() - started

        # Redis is back; a worker starts; time passes (the rows' queued
        # times move back past STUCK_AFTER) and beat's sweeps run.
        redis_server.start()
        worker = Worker(redis_server.url)
        try:
            worker.wait_for(r"ready\.")
            back = STUCK_AFTER + STUCK_AFTER / 15
            _age(back)
            assert publish(sweep_jobs)
            assert publish(sweep_followups)
            worker.wait_for(r"nectos\.sweep_jobs\[.*" + DONE)
            for task, count in [
                ("interchange.check_import", 1),
                ("interchange.run_import", 1),
                ("returns.generate_quarterly_return", 1),
                ("dashboards.compute_snapshot", 2),
                ("security.send_break_glass_notice", 1),
            ]:
                worker.wait_for(rf"{task}\[.*" + DONE, count=count, timeout=60)

            # Everything finished.
            states = dict(ImportJob.objects.values_list("pk", "state"))
            assert states.pop(checked.pk) == "done"
            assert list(states.values()) == ["preview"]
            assert QuarterlyReturn.objects.get().state == "done"
            assert set(DashboardSnapshot.objects.values_list("state", flat=True)) == {"done"}
            notice = BreakGlassNotice.objects.get()
            assert notice.sent_at is not None and notice.emails == 1

            # Later sweeps find nothing to do: each job ran exactly once.
            _age(back)
            assert publish(sweep_jobs)
            worker.wait_for(r"nectos\.sweep_jobs\[.*" + DONE, count=2)
            for task, count in [
                ("interchange.check_import", 1),
                ("interchange.run_import", 1),
                ("returns.generate_quarterly_return", 1),
                ("dashboards.compute_snapshot", 2),
                ("security.send_break_glass_notice", 1),
            ]:
                assert worker.count(rf"{task}\[.*" + DONE) == count, task
            assert BreakGlassNotice.objects.get().emails == 1
        finally:
            worker.stop()
    print(f"outage part {outage:.1f} s, whole test {time.monotonic() - started:.1f} s")


def _age(by) -> None:
    """Move every waiting job's queued time back by `by`, as if that much
    time had passed (the worker's clock cannot be moved from here)."""
    from django.db.models import F

    ImportJob.objects.filter(state__in=["checking", "importing"]).update(
        queued_at=F("queued_at") - by
    )
    QuarterlyReturn.objects.filter(state__in=["queued", "running"]).update(
        queued_at=F("queued_at") - by
    )
    DashboardSnapshot.objects.filter(state__in=["queued", "running"]).update(
        requested_at=F("requested_at") - by
    )
    BreakGlassNotice.objects.filter(sent_at__isnull=True).update(queued_at=F("queued_at") - by)
