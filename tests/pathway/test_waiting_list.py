"""The waiting list: referrals not yet in treatment, per service."""

import pytest

from clients.models import Attendance
from tests.factories import AppointmentFactory
from tests.pathway.helpers import assess, days_ago, register, start

pytestmark = pytest.mark.django_db


def rows(body: str) -> list[str]:
    return body.split('data-testid="waiting-row"')[1:]


def row_of(body: str, initials: str) -> str:
    return next(r for r in rows(body) if f">{initials}<" in r)


def test_it_lists_referrals_not_assessed_and_assessed_but_not_started(client_as, alice, service_a):
    register(alice, service_a, initials="NA", on=days_ago(12))
    assessed = register(alice, service_a, initials="AS", on=days_ago(30))
    assess(assessed, on=days_ago(20))
    started = register(alice, service_a, initials="ST", on=days_ago(40))
    assess(started, on=days_ago(35))
    start(started, alice, on=days_ago(30))

    body = client_as(alice).get("/waiting-list/").content.decode()

    assert len(rows(body)) == 2
    assert "Needs an appointment" in row_of(body, "NA")
    assert "12 <span" in row_of(body, "NA")  # days waiting since referral
    assessed_row = row_of(body, "AS")
    assert "Assessed, not started" in assessed_row
    assert f"{days_ago(20):%-d %b %Y} · Attended" in assessed_row
    assert f"/referrals/{assessed.pk}/start/" in assessed_row
    assert ">ST<" not in body


def test_it_shows_the_last_appointments_outcome_and_offers_a_rebooking(client_as, alice, service_a):
    referral = register(alice, service_a, initials="DN", on=days_ago(30))
    assess(referral, on=days_ago(25), attendance=Attendance.DNA)

    row = row_of(client_as(alice).get("/waiting-list/").content.decode(), "DN")

    assert "Did not attend" in row
    assert "Needs an appointment" in row
    assert f"/referrals/{referral.pk}/appointments/new/" in row


def test_a_booked_appointment_shows_its_date(client_as, alice, service_a):
    referral = register(alice, service_a, initials="BK", on=days_ago(3))
    AppointmentFactory(referral=referral, offered_date=days_ago(1), appointment_date=days_ago(-4))
    row = row_of(client_as(alice).get("/waiting-list/").content.decode(), "BK")
    assert "Appointment booked" in row
    assert f"Booked for {days_ago(-4):%a %-d %b}" in row


def test_unresolved_appointments_are_flagged_with_a_form_to_record_them(
    client_as, alice, service_a
):
    referral = register(alice, service_a, initials="UN", on=days_ago(30))
    appointment = AppointmentFactory(
        referral=referral, offered_date=days_ago(20), appointment_date=days_ago(2)
    )

    row = row_of(client_as(alice).get("/waiting-list/").content.decode(), "UN")

    assert 'class="row-flag"' in row
    assert "Outcome not recorded" in row
    assert f'action="/appointments/{appointment.pk}/attendance/"' in row


def test_a_superseded_referral_leaves_the_list(client_as, alice, service_a):
    first = register(alice, service_a, initials="RR", on=days_ago(300))
    latest = register(alice, service_a, client=first.client, on=days_ago(5))

    body = client_as(alice).get("/waiting-list/").content.decode()

    assert len(rows(body)) == 1
    assert f"/referrals/{latest.pk}/appointments/new/" in body
    assert f"/referrals/{first.pk}/appointments/new/" not in body


def test_it_filters_by_stage_and_service_and_counts_each_stage(
    client_as, bob, alice, service_a, service_b
):
    from services.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=bob, service=service_b, role=Role.MANAGER)
    register(alice, service_a, initials="AA", on=days_ago(5))
    register(bob, service_b, initials="BB", on=days_ago(5))
    assessed = register(alice, service_a, initials="CC", on=days_ago(20))
    assess(assessed, on=days_ago(10))
    c = client_as(bob)

    everything = c.get("/waiting-list/").content.decode()
    assert len(rows(everything)) == 3
    assert "Needs an appointment: 2" in everything
    assert "Assessed, not started: 1" in everything

    only_a = c.get(f"/waiting-list/?service={service_a.pk}").content.decode()
    assert len(rows(only_a)) == 2
    assert ">BB<" not in only_a

    assessed_only = c.get("/waiting-list/?stage=assessed").content.decode()
    assert [">CC<" in r for r in rows(assessed_only)] == [True]


def test_its_pages_count_the_stage_shown(client_as, alice, service_a, monkeypatch):
    from keywork import queries

    monkeypatch.setattr(queries, "WAITING_PAGE_SIZE", 1)
    register(alice, service_a, initials="AA", on=days_ago(5))
    register(alice, service_a, initials="BB", on=days_ago(6))
    assessed = register(alice, service_a, initials="CC", on=days_ago(20))
    assess(assessed, on=days_ago(10))
    c = client_as(alice)

    assert ", 1–1 of 3." in c.get("/waiting-list/").content.decode()
    to_book = c.get("/waiting-list/?stage=to_book&page=2").content.decode()
    assert "Needs an appointment, 2–2 of 2." in to_book
    assert (
        "Needs an appointment, 2–2 of 2."
        in c.get("/waiting-list/?stage=to_book&page=9").content.decode()
    )  # past the end: the last page
    assert (
        "Assessed, not started, 1–1 of 1."
        in c.get("/waiting-list/?stage=assessed").content.decode()
    )


def test_a_service_outside_the_users_is_ignored(client_as, alice, charlie, service_a, service_b):
    register(charlie, service_b, initials="BB", on=days_ago(5))
    body = client_as(alice).get(f"/waiting-list/?service={service_b.pk}").content.decode()
    assert ">BB<" not in body


@pytest.mark.parametrize(
    ("sort", "order"),
    [("days", ["NEW", "OLD"]), ("-days", ["OLD", "NEW"]), ("client", ["NEW", "OLD"])],
)
def test_the_columns_sort(client_as, alice, service_a, sort, order):
    register(alice, service_a, initials="OLD", on=days_ago(50))
    register(alice, service_a, initials="NEW", on=days_ago(5))
    body = client_as(alice).get(f"/waiting-list/?sort={sort}").content.decode()
    assert [next(i for i in order if f">{i}<" in r) for r in rows(body)] == order


def test_it_answers_htmx_with_the_panel_alone(client_as, alice, service_a):
    register(alice, service_a, on=days_ago(5))
    body = client_as(alice).get("/waiting-list/?stage=to_book", HTTP_HX_REQUEST="true")
    assert body.content.decode().lstrip().startswith('<div id="waiting-panel"')


def test_the_page_and_its_stage_counts_are_built_from_one_list(
    client_as, alice, service_a, monkeypatch
):
    from keywork import queries

    built = []
    original = queries.waiting_list

    def counting(*args, **kwargs):
        built.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(queries, "waiting_list", counting)
    register(alice, service_a, initials="AA", on=days_ago(5))
    body = client_as(alice).get("/waiting-list/?stage=to_book").content.decode()
    assert len(built) == 1  # its subqueries cost as much to build as to run
    assert "Needs an appointment: 1" in body and len(rows(body)) == 1
