"""Booking assessments, recording what happened, rebooking after a DNA, and
the worklist of past appointments nobody has recorded."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Appointment, Attendance
from keywork.queries import unresolved_appointments
from tests.factories import AppointmentFactory
from tests.pathway.helpers import assess, days_ago, register, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(alice, service_a):
    return register(alice, service_a, on=days_ago(20))


def book(c, referral, offered, on):
    return c.post(
        f"/referrals/{referral.pk}/appointments/new/",
        {"offered_date": offered.isoformat(), "appointment_date": on.isoformat()},
    )


def record(c, appointment, attendance, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return c.post(
        f"/appointments/{appointment.pk}/attendance/",
        {f"appt{appointment.pk}-attendance": attendance},
        **headers,
    )


def test_it_books_an_assessment(client_as, alice, referral):
    today = timezone.localdate()
    response = book(client_as(alice), referral, today, today + dt.timedelta(days=3))

    assert response.status_code == 302
    appointment = referral.appointments.get()
    assert appointment.attendance == ""
    assert appointment.appointment_date == today + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("offered", "on", "field", "message"),
    [
        (21, 15, "offered_date", "before the referral date"),
        (-1, -3, "offered_date", "cannot be after today"),
        (10, 12, "appointment_date", "before the day it was offered"),
    ],
)
def test_a_bad_booking_is_refused_next_to_the_field(
    client_as, alice, referral, offered, on, field, message
):
    response = book(client_as(alice), referral, days_ago(offered), days_ago(on))

    assert response.status_code == 422
    body = response.content.decode()
    assert message in body.split(f'id="id_{field}_error"')[1].split("</div>")[0]
    assert not referral.appointments.exists()


def test_an_appointment_before_its_offer_is_refused_by_the_database(referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            referral=referral, offered_date=days_ago(5), appointment_date=days_ago(6)
        )


def test_a_second_booking_waits_for_the_first_to_have_an_outcome(client_as, alice, referral):
    c = client_as(alice)
    book(c, referral, days_ago(10), days_ago(5))

    response = book(c, referral, days_ago(1), timezone.localdate())

    assert response.status_code == 422
    assert "Record what happened" in response.content.decode()
    assert referral.appointments.count() == 1


def test_attendance_is_recorded_in_place(client_as, alice, referral):
    appointment = assess(referral, attendance="")  # booked, in the past
    appointment.refresh_from_db()

    response = record(client_as(alice), appointment, Attendance.ATTENDED)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Recorded: Attended" in body
    assert f"/referrals/{referral.pk}/start/" in body
    appointment.refresh_from_db()
    assert appointment.attendance == Attendance.ATTENDED


def test_attendance_without_javascript_goes_back_to_the_record(client_as, alice, referral):
    appointment = AppointmentFactory(
        referral=referral, offered_date=days_ago(10), appointment_date=days_ago(2)
    )
    response = record(client_as(alice), appointment, Attendance.DNA, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{referral.client.key}/"


def test_a_future_appointment_can_be_cancelled_but_not_attended(client_as, alice, referral):
    appointment = AppointmentFactory(
        referral=referral,
        offered_date=timezone.localdate(),
        appointment_date=timezone.localdate() + dt.timedelta(days=2),
    )
    c = client_as(alice)

    for attendance in (Attendance.ATTENDED, Attendance.DNA):
        response = record(c, appointment, attendance)
        assert response.status_code == 422
        assert "in the future" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.attendance == ""

    assert record(c, appointment, Attendance.CANCELLED_BY_CLIENT).status_code == 200
    appointment.refresh_from_db()
    assert appointment.attendance == Attendance.CANCELLED_BY_CLIENT


def test_an_empty_outcome_is_refused(client_as, alice, referral):
    appointment = AppointmentFactory(
        referral=referral, offered_date=days_ago(10), appointment_date=days_ago(2)
    )
    response = record(client_as(alice), appointment, "")
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()


def test_after_a_dna_another_appointment_can_be_booked(client_as, alice, referral):
    c = client_as(alice)
    dna = assess(referral, on=days_ago(10), attendance=Attendance.DNA)

    record_page = c.get(f"/clients/{referral.client.key}/").content.decode()
    assert f"/referrals/{referral.pk}/appointments/new/" in record_page
    response = book(c, referral, days_ago(3), timezone.localdate())

    assert response.status_code == 302
    assert referral.appointments.count() == 2
    dna.refresh_from_db()
    assert dna.attendance == Attendance.DNA


def test_nothing_is_booked_or_changed_once_treatment_has_started(client_as, alice, referral):
    attended = assess(referral)
    start(referral, alice)
    c = client_as(alice)

    assert book(c, referral, days_ago(1), timezone.localdate()).status_code == 422
    assert record(c, attended, Attendance.DNA).status_code == 422
    attended.refresh_from_db()
    assert attended.attendance == Attendance.ATTENDED


# --- Never a DNA on its own: the unresolved worklist -------------------------


def test_a_past_appointment_stays_unresolved_until_someone_records_it(
    client_as, alice, bob, referral
):
    past = AppointmentFactory(
        referral=referral, offered_date=days_ago(10), appointment_date=days_ago(3)
    )
    c = client_as(bob)
    for url in ["/", "/caseload/", "/waiting-list/", f"/clients/{referral.client.key}/"]:
        c.get(url)

    past.refresh_from_db()
    assert past.attendance == ""
    assert list(unresolved_appointments(alice)) == [past]


def test_the_worklist_holds_only_past_appointments_with_no_outcome(alice, service_a):
    today = timezone.localdate()
    past = AppointmentFactory(
        referral=register(alice, service_a, initials="AA", on=days_ago(30)),
        offered_date=days_ago(30),
        appointment_date=days_ago(1),
    )
    AppointmentFactory(  # today: not yet past
        referral=register(alice, service_a, initials="BB", on=days_ago(30)),
        offered_date=days_ago(30),
        appointment_date=today,
    )
    AppointmentFactory(  # recorded
        referral=register(alice, service_a, initials="CC", on=days_ago(30)),
        offered_date=days_ago(30),
        appointment_date=days_ago(2),
        attendance=Attendance.DNA,
    )

    assert list(unresolved_appointments(alice)) == [past]


def test_the_worklist_is_flagged_on_the_caseload_and_first_on_the_waiting_list(
    client_as, alice, service_a
):
    waiting = register(alice, service_a, initials="AA", on=days_ago(60))
    flagged = register(alice, service_a, initials="ZZ", on=days_ago(5))
    AppointmentFactory(referral=flagged, offered_date=days_ago(5), appointment_date=days_ago(1))
    c = client_as(alice)

    caseload = c.get("/caseload/").content.decode()
    assert 'data-testid="unresolved-banner"' in caseload
    assert "1 past assessment appointment" in caseload

    page = c.get("/waiting-list/").content.decode()
    rows = page.split('data-testid="waiting-row"')[1:]
    assert "ZZ" in rows[0] and "Outcome not recorded" in rows[0]
    assert "AA" in rows[1]
    assert waiting.client.initials == "AA"

    only = c.get("/waiting-list/?stage=unresolved").content.decode()
    assert "ZZ" in only
    assert ">AA<" not in only


def test_the_database_refuses_an_appointment_offered_before_its_referral(referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            referral=referral, offered_date=days_ago(21), appointment_date=days_ago(10)
        )
    AppointmentFactory(referral=referral, offered_date=days_ago(20), appointment_date=days_ago(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(referral).objects.filter(pk=referral.pk).update(referral_date=days_ago(19))
