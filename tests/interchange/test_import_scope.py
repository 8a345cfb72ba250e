"""A manager's import is checked against their own services' records only:
a reference to another service's client, referral or episode gets the same
one message as a reference that exists nowhere, no other check runs on its
row, and no message (on the page or in problems.csv) quotes a value of a
record the manager cannot see."""

import datetime as dt

import pytest
from django.urls import reverse

from interchange.models import ImportJob, ImportState
from services.models import MembershipEvent, User
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory
from tests.interchange.test_views import clinical_files, on_commit, upload  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_a(bob, alice):  # alice is the keyworker the bundle's episode names
    return bob


# Values of service B's records that must never reach a manager of A.
HIDDEN_DOB = dt.date(2001, 6, 15)
HIDDEN_REFERRAL = dt.date(2020, 3, 10)
HIDDEN_START = dt.date(2020, 3, 20)


@pytest.fixture
def elsewhere(service_b, charlie):
    referral = ReferralFactory(
        service=service_b,
        reference="RB1",
        client__reference="CB1",
        client__date_of_birth=HIDDEN_DOB,
        referral_date=HIDDEN_REFERRAL,
    )
    episode = EpisodeFactory(
        referral=referral,
        reference="EB1",
        keyworker=charlie,
        start_date=HIDDEN_START,
    )
    ContactFactory(episode=episode, contact_date=HIDDEN_START)
    return episode


def reasons_by_line(job) -> dict[tuple[str, int], list[tuple[str, str]]]:
    found: dict = {}
    for p in job.report["problems"]:
        found.setdefault((p["file"], p["line"]), []).append((p["column"], p["reason"]))
    return found


def test_another_services_references_read_as_references_that_exist_nowhere(
    client_as, bob_a, elsewhere
):
    files = clinical_files()
    # Each pair: first a reference of service B, then one that exists nowhere.
    # The dates would fail a check against B's records (before B's client's
    # birth, before B's referral, before B's episode).
    files["referrals.csv"] += [
        ["R8", "CB1", "A", "1999-01-01", "self", "crack"],
        ["R9", "CX9", "A", "1999-01-01", "self", "crack"],
    ]
    files["appointments.csv"] += [
        ["RB1", "2019-01-01", "2019-01-02", "attended"],
        ["RX9", "2019-01-01", "2019-01-02", "attended"],
    ]
    files["episodes.csv"] += [
        ["E8", "RB1", "3", "2019-01-02", "", "", "alice", ""],
        ["E9", "RX9", "3", "2019-01-02", "", "", "alice", ""],
    ]
    contact = ["2019-01-12", "keywork", "in_person", "60", "attended", ""]
    files["contacts.csv"] += [["EB1", *contact], ["EX9", *contact]]
    browser = client_as(bob_a)
    upload(browser, files)
    job = ImportJob.objects.get()
    assert job.state == ImportState.REFUSED
    found = reasons_by_line(job)
    for name in ("referrals.csv", "appointments.csv", "episodes.csv", "contacts.csv"):
        rows = len(files[name])
        # Lines are counted from the header (line 1).
        existing, nowhere = found.get((name, rows)), found.get((name, rows + 1))
        assert existing == nowhere, (name, existing, nowhere)
        assert existing is not None and len(existing) == 1, (name, existing)
    page = browser.get(reverse("interchange:detail", args=[job.pk])).content.decode()
    problems_csv = browser.get(reverse("interchange:problems", args=[job.pk])).content.decode()
    for text in (page, problems_csv, str(job.report)):
        for hidden in (HIDDEN_DOB, HIDDEN_REFERRAL, HIDDEN_START):
            assert hidden.isoformat() not in text
            assert f"{hidden:%-d %b %Y}" not in text
        assert "do not manage" not in text
        assert "date of birth" not in text


def test_a_clients_row_with_another_services_reference_says_only_that_it_is_not_free(
    client_as, bob_a, elsewhere
):
    files = clinical_files()
    files["clients.csv"].append(["CB1", "ZZ", "1999-01-01", "male", "A", ""])
    files["referrals.csv"].append(["R8", "CB1", "A", "1998-01-01", "self", "crack"])
    upload(client_as(bob_a), files)
    job = ImportJob.objects.get()
    found = reasons_by_line(job)
    clients_line = len(files["clients.csv"]) + 1
    assert found[("clients.csv", clients_line)] == [
        ("client_ref", "this client_ref is not free for you to use: choose another reference")
    ]
    assert "do not manage" not in str(job.report)


def test_staff_csv_does_not_change_a_person_who_also_works_elsewhere(client_as, bob_a, service_b):
    from services.models import Role, UserEvent
    from tests.factories import MembershipFactory, UserFactory

    shared = UserFactory(username="sam", full_name="Sam Shared", email="sam@a.example")
    MembershipFactory(user=shared, service=bob_a.memberships.get().service, role=Role.KEYWORKER)
    MembershipFactory(user=shared, service=service_b, role=Role.KEYWORKER)
    only_a = UserFactory(username="ola", full_name="Ola Only", email="ola@a.example")
    MembershipFactory(user=only_a, service=bob_a.memberships.get().service, role=Role.KEYWORKER)

    files = clinical_files()
    files["staff.csv"] = [["sam", "Sam Elsewhere", "sam@evil.example", "keyworker", "A"]]
    upload(client_as(bob_a), files)
    job = ImportJob.objects.get()
    assert job.state == ImportState.REFUSED
    assert [(p["file"], p["column"]) for p in job.report["problems"]] == [
        ("staff.csv", "full_name")
    ]
    assert User.objects.get(username="sam").email == "sam@a.example"

    # Someone who works in the manager's services only is changed, in history.
    ImportJob.objects.all().delete()
    files["staff.csv"] = [["ola", "Ola Renamed", "ola@new.example", "manager", "A"]]
    browser = client_as(bob_a)
    upload(browser, files)
    job = ImportJob.objects.get()
    assert job.state == ImportState.PREVIEW, job.report["problems"]
    from tests.interchange.test_views import confirm

    confirm(browser, job)
    assert User.objects.get(username="ola").email == "ola@new.example"
    assert UserEvent.objects.filter(pgh_obj=only_a, email="ola@new.example").exists()
    assert MembershipEvent.objects.filter(user=only_a, role=Role.MANAGER).exists()


def test_a_role_given_by_staff_csv_is_emailed_to_the_services_managers(
    client_as, bob_a, mailoutbox
):
    from services.models import Role
    from tests.factories import MembershipFactory, UserFactory

    bob_a.email = "bob@a.example"
    bob_a.save()
    ola = UserFactory(username="ola", full_name="Ola Only", email="ola@a.example")
    MembershipFactory(user=ola, service=bob_a.memberships.get().service, role=Role.KEYWORKER)
    files = clinical_files()
    files["staff.csv"] = [["ola", "Ola Only", "ola@a.example", "manager", "A"]]
    browser = client_as(bob_a)
    upload(browser, files)
    from tests.interchange.test_views import confirm

    confirm(browser, ImportJob.objects.get())
    job = ImportJob.objects.get()
    assert job.state == ImportState.DONE, job.report
    bodies = [(m.to, m.body) for m in mailoutbox]
    assert any("role changed from keyworker to manager" in b for _, b in bodies), bodies
