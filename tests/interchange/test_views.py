"""The upload page: managers and administrators only; a check (dry run)
with counts and every problem; confirm to import; 404 for everyone else."""

import io
import zipfile

import pytest
from django.urls import reverse

from clients.models import Client
from interchange.models import ImportJob, ImportState
from services.models import Role
from tests.dates import LITERAL_DAY
from tests.factories import MembershipFactory, UserFactory
from tests.interchange.helpers import COLUMNS, csv_text, table_counts, valid_files

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def zipped(files: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, csv_text(name, rows))
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer


def clinical_files() -> dict:
    """The valid bundle without services.csv and staff.csv (which a
    manager of A may not bring in for B) and with service A's rows only."""
    files = valid_files()
    del files["services.csv"], files["staff.csv"]
    files["referrals.csv"] = [r for r in files["referrals.csv"] if r[2] == "A"]
    files["clients.csv"] = [r for r in files["clients.csv"] if r[0] == "C1"]
    files["appointments.csv"] = [r for r in files["appointments.csv"] if r[0] != "R2"]
    files["episodes.csv"] = [r for r in files["episodes.csv"] if r[0] == "E1"]
    files["contacts.csv"] = [r for r in files["contacts.csv"] if r[0] == "E1"]
    files["outcomes.csv"] = [r for r in files["outcomes.csv"] if r[0] == "E1"]
    return files


_commit = {}


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks):
    """Run the tasks queued with transaction.on_commit (Celery is eager in
    tests), as a real commit would."""
    _commit["capture"] = django_capture_on_commit_callbacks
    yield
    _commit.clear()


def upload(client, files):
    with _commit["capture"](execute=True):
        return client.post(reverse("interchange:index"), {"bundle": zipped(files)})


def confirm(client, job):
    with _commit["capture"](execute=True):
        return client.post(reverse("interchange:confirm", args=[job.pk]))


@pytest.fixture
def bob_a(bob, alice):  # alice is the keyworker the bundle's episode names
    return bob


def test_a_manager_sees_the_upload_page(client_as, bob_a):
    response = client_as(bob_a).get(reverse("interchange:index"))
    assert response.status_code == 200
    assert b"Upload and check" in response.content
    assert b"<strong>A</strong>" in response.content


def test_an_administrator_sees_the_upload_page(client_as, admin_user):
    assert client_as(admin_user).get(reverse("interchange:index")).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora"])
def test_keyworkers_and_commissioners_get_404_on_every_url(request, client_as, bob_a, persona):
    job = ImportJob.objects.create(created_by=bob_a, state=ImportState.PREVIEW, report={})
    client = client_as(request.getfixturevalue(persona))
    for url in (
        reverse("interchange:index"),
        reverse("interchange:detail", args=[job.pk]),
        reverse("interchange:problems", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("interchange:confirm", args=[job.pk])).status_code == 404
    assert upload(client, clinical_files()).status_code == 404


def test_a_manager_of_another_service_gets_404_for_a_job(client_as, bob_a, service_b):
    other = UserFactory(username="erin")
    MembershipFactory(user=other, service=service_b, role=Role.MANAGER)
    job = ImportJob.objects.create(created_by=bob_a, state=ImportState.PREVIEW, report={})
    client = client_as(other)
    assert client.get(reverse("interchange:detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("interchange:confirm", args=[job.pk])).status_code == 404
    assert client.get(reverse("interchange:problems", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportState.PREVIEW


def test_upload_checks_then_confirm_imports(client_as, bob_a):
    client = client_as(bob_a)
    before = table_counts()
    response = upload(client, clinical_files())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("interchange:detail", args=[job.pk])
    # Celery runs eagerly in tests: the check has run, and written nothing.
    assert job.state == ImportState.PREVIEW
    assert table_counts() == before
    page = client.get(response.url)
    assert b"The bundle passed every check" in page.content
    counts = {c["file"]: c for c in job.report["counts"]}
    assert counts["contacts.csv"]["new"] == 3
    assert [c["file"] for c in job.report["counts"]][:2] == ["clients.csv", "referrals.csv"]
    response = confirm(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert not job.upload  # the bundle is not kept
    assert Client.objects.filter(reference="C1").exists()
    page = client.get(reverse("interchange:detail", args=[job.pk]))
    assert b"Imported on" in page.content


def test_a_bad_row_is_shown_and_nothing_is_imported(client_as, bob_a):
    client = client_as(bob_a)
    files = clinical_files()
    files["contacts.csv"][0][COLUMNS["contacts.csv"].index("mode")] = "carrier pigeon"
    before = table_counts()
    upload(client, files)
    job = ImportJob.objects.get()
    assert job.state == ImportState.REFUSED
    page = client.get(reverse("interchange:detail", args=[job.pk]))
    assert b"1 problem: nothing will be imported" in page.content
    assert b"unknown mode code &#x27;carrier pigeon&#x27;" in page.content
    assert b"Import it" not in page.content
    assert client.post(reverse("interchange:confirm", args=[job.pk])).status_code == 409
    assert table_counts() == before
    csv_answer = client.get(reverse("interchange:problems", args=[job.pk]))
    assert b'contacts.csv,2,mode,"unknown mode code' in csv_answer.content


def test_a_manager_may_not_import_rows_for_another_service(client_as, bob_a, service_b):
    files = clinical_files()
    files["referrals.csv"].append(["R8", "C1", "B", "2026-03-01", "self", "crack"])
    files["services.csv"] = [["B", "Service B", "3", "no", ""]]
    files["staff.csv"] = [["zed", "Zed", "", "keyworker", "B"], ["bob", "Bob", "", "admin", ""]]
    before = table_counts()
    upload(client_as(bob_a), files)
    job = ImportJob.objects.get()
    reasons = {(p["file"], p["column"]): p["reason"] for p in job.report["problems"]}
    assert reasons[("referrals.csv", "service_code")].startswith("service B is not one you manage")
    assert reasons[("services.csv", "code")].startswith("service B is not one you manage")
    assert reasons[("staff.csv", "services")].startswith("service B is not one you manage")
    assert reasons[("staff.csv", "role")] == "a manager may import keyworkers and managers only"
    assert table_counts() == before


def test_a_manager_may_not_touch_a_client_of_another_service(client_as, bob_a, charlie):
    from tests.factories import ReferralFactory

    ReferralFactory(client__reference="C1", service=charlie.memberships.get().service)
    files = clinical_files()
    upload(client_as(bob_a), files)
    job = ImportJob.objects.get()
    assert job.state == ImportState.REFUSED
    assert {p["reason"] for p in job.report["problems"]} >= {
        "this client_ref is not free for you to use: choose another reference"
    }


def test_an_administrator_may_import_for_every_service(client_as, admin_user):
    client = client_as(admin_user)
    upload(client, valid_files())
    job = ImportJob.objects.get()
    assert job.state == ImportState.PREVIEW, job.report["problems"]
    confirm(client, job)
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert job.report["counts"][0] == {
        "file": "services.csv",
        "rows": 2,
        "bad": 0,
        "new": 2,
        "changed": 0,
        "unchanged": 0,
    }


def test_a_file_that_is_not_a_zip_is_refused_by_the_form(client_as, bob_a):
    not_zip = io.BytesIO(b"client_ref,initials\n")
    not_zip.name = "clients.csv"
    response = client_as(bob_a).post(reverse("interchange:index"), {"bundle": not_zip})
    assert response.status_code == 422
    assert b"This is not a .zip file." in response.content
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_limit_is_refused_by_the_form(client_as, bob_a, settings):
    settings.INTERCHANGE_MAX_UPLOAD_BYTES = 100
    response = upload(client_as(bob_a), clinical_files())
    assert response.status_code == 422
    assert b"the limit is 100" in response.content


def test_a_busy_job_shows_a_progress_bar_that_polls(client_as, bob_a):
    from django.core.cache import cache

    from interchange.actions import progress_key

    job = ImportJob.objects.create(created_by=bob_a, state=ImportState.IMPORTING)
    cache.set(progress_key(job.pk), (42, "Writing contacts.csv"))
    client = client_as(bob_a)
    page = client.get(reverse("interchange:detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in page.content
    assert b'value="42"' in page.content
    assert b"Writing contacts.csv" in page.content
    assert b"<html" not in page.content  # the fragment only


def test_the_pages_run_a_constant_number_of_queries(
    client_as, bob_a, django_assert_max_num_queries
):
    client = client_as(bob_a)
    for _ in range(3):
        upload(client, clinical_files())
    job = ImportJob.objects.first()
    # session, user, the user's managed services, the job (or the 20 latest
    # jobs), the standing for the top bar, and the security middleware's
    # session bookkeeping
    with django_assert_max_num_queries(8):
        client.get(reverse("interchange:index"))
    with django_assert_max_num_queries(8):
        client.get(reverse("interchange:detail", args=[job.pk]))


def test_downloading_the_problems_is_recorded(client_as, bob_a):
    from clients.models import AccessEvent

    job = ImportJob.objects.create(created_by=bob_a, state=ImportState.REFUSED, report={})
    client_as(bob_a).get(reverse("interchange:problems", args=[job.pk]))
    event = AccessEvent.objects.get(user=bob_a)
    assert event.kind == "download"
    assert event.file_label == f"Import {job.pk}: problems (CSV)"


def test_a_preview_left_unconfirmed_for_a_day_is_deleted(client_as, bob_a):
    """A checked bundle holds clients' records on disk: the hourly task
    throws away one not confirmed within PREVIEW_LIFETIME, and it can no
    longer be confirmed. A fresh preview is left alone."""
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from interchange.actions import PREVIEW_LIFETIME
    from interchange.tasks import expire_previews

    client = client_as(bob_a)
    upload(client, clinical_files())
    upload(client, clinical_files())
    old, fresh = ImportJob.objects.order_by("pk")
    stored = old.upload.name
    assert default_storage.exists(stored)
    ImportJob.objects.filter(pk=old.pk).update(
        checked_at=timezone.now() - PREVIEW_LIFETIME - dt.timedelta(minutes=1)
    )
    before = table_counts()
    assert expire_previews.delay().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == ImportState.EXPIRED and not old.upload and old.finished_at
    assert not default_storage.exists(stored)
    assert fresh.state == ImportState.PREVIEW and fresh.upload
    confirm(client, old)
    old.refresh_from_db()
    assert old.state == ImportState.EXPIRED
    assert table_counts() == before
    page = client.get(reverse("interchange:detail", args=[old.pk]))
    assert b"was not confirmed within a day" in page.content
    assert b"Import it" not in page.content
    assert expire_previews.delay().get() == 0
