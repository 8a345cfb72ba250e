import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from keywork.actions.contacts import (
    appointment_book,
    appointment_delete,
    appointment_record_absence,
    contact_delete,
    contact_log,
    contact_update,
)
from keywork.models import Contact, ContactIntervention, KeyworkAppointment
from tests.factories import ContactFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


def log(episode, by, **kwargs):
    defaults = {"contact_date": days_ago(1), "interventions": ["motivational_interviewing"]}
    return contact_log(episode=episode, acting_user=by, **(defaults | kwargs))


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_it_logs_a_contact_with_the_defaults(episode_a, alice):
    contact = log(episode_a, alice)
    assert contact.contact_type == "keywork"
    assert contact.mode == "in_person"
    assert contact.duration_minutes == 60
    assert contact.attendance == "attended"
    assert contact.recorded_by == alice
    assert list(contact.interventions.values_list("code", flat=True)) == [
        "motivational_interviewing"
    ]


def test_it_accepts_a_contact_on_the_first_day_and_today(episode_a, alice, today):
    log(episode_a, alice, contact_date=episode_a.start_date)
    log(episode_a, alice, contact_date=today)
    assert Contact.objects.count() == 2


def test_it_refuses_a_contact_in_the_future(episode_a, alice, today):
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, contact_date=days_ago(-1))
    assert "after today" in errors_of(excinfo)["contact_date"][0]
    assert not Contact.objects.exists()


def test_it_refuses_a_contact_before_the_episode_started(episode_a, alice):
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, contact_date=episode_a.start_date - dt.timedelta(days=1))
    assert "before the episode started" in errors_of(excinfo)["contact_date"][0]


def test_it_refuses_a_contact_after_the_episode_ended(episode_a, alice):
    episode_a.end_date = days_ago(10)
    episode_a.discharge_reason_id = "dropped_out"
    episode_a.save()
    log(episode_a, alice, contact_date=days_ago(10))
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, contact_date=days_ago(9))
    assert "after the episode ended" in errors_of(excinfo)["contact_date"][0]


@pytest.mark.parametrize("minutes", [1, 60, 720])
def test_an_attended_contact_lasts_1_to_720_minutes(episode_a, alice, minutes):
    assert log(episode_a, alice, duration_minutes=minutes).duration_minutes == minutes


@pytest.mark.parametrize("minutes", [None, 0, 721])
def test_an_attended_contact_outside_1_to_720_minutes_is_refused(episode_a, alice, minutes):
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, duration_minutes=minutes)
    assert "duration_minutes" in errors_of(excinfo)


def test_a_missed_contact_has_no_length(episode_a, alice):
    contact = log(episode_a, alice, attendance="dna", duration_minutes=None, interventions=[])
    assert contact.duration_minutes is None
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, attendance="dna", duration_minutes=30, interventions=[])
    assert "empty" in errors_of(excinfo)["duration_minutes"][0]


def test_the_database_refuses_a_length_on_a_missed_contact(episode_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(episode=episode_a, attendance="dna", duration_minutes=30)


def test_an_attended_keywork_contact_needs_an_intervention(episode_a, alice):
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, interventions=[])
    assert "at least one intervention" in errors_of(excinfo)["interventions"][0]


def test_other_attended_contacts_need_no_intervention(episode_a, alice):
    contact = log(episode_a, alice, contact_type="group", interventions=[])
    assert contact.interventions.count() == 0


def test_an_unknown_intervention_saves_nothing(episode_a, alice):
    with pytest.raises(ValidationError):
        log(episode_a, alice, interventions=["astrology"])
    assert not Contact.objects.exists()


def test_it_books_the_next_appointment_with_the_contact(episode_a, alice, today):
    contact = log(episode_a, alice, next_appointment_date=today)
    appointment = KeyworkAppointment.objects.get()
    assert appointment.episode == episode_a
    assert appointment.staff == alice
    assert appointment.appointment_date == today
    assert appointment.is_booked
    assert appointment.contact is None  # the next one, not the one this contact resolved
    assert contact.pk


def test_a_next_appointment_in_the_past_saves_nothing(episode_a, alice):
    with pytest.raises(ValidationError) as excinfo:
        log(episode_a, alice, next_appointment_date=days_ago(1))
    assert "past" in errors_of(excinfo)["next_appointment_date"][0]
    assert not Contact.objects.exists()
    assert not KeyworkAppointment.objects.exists()


def test_logging_a_contact_for_an_appointment_resolves_it(episode_a, alice, today):
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    contact = log(episode_a, alice, contact_date=today, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.contact == contact
    with pytest.raises(ValidationError):
        log(episode_a, alice, contact_date=today, appointment=appointment)


def test_a_dna_resolves_an_appointment_with_a_contact_of_no_length(episode_a, alice, today):
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    contact = appointment_record_absence(
        appointment=appointment, acting_user=alice, attendance="dna"
    )
    assert contact.attendance == "dna"
    assert contact.duration_minutes is None
    assert KeyworkAppointment.objects.get().contact == contact


def test_an_appointment_cannot_be_booked_on_an_ended_episode(episode_a, alice, today):
    episode_a.end_date = today
    episode_a.discharge_reason_id = "dropped_out"
    episode_a.save()
    with pytest.raises(ValidationError):
        appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)


def test_an_appointment_is_booked_only_with_staff_of_the_service(episode_a, alice, charlie, today):
    with pytest.raises(ValidationError) as excinfo:
        appointment_book(
            episode=episode_a, acting_user=alice, appointment_date=today, staff=charlie
        )
    assert "staff" in errors_of(excinfo)


def test_a_resolved_appointment_cannot_be_deleted(episode_a, alice, today):
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    appointment_record_absence(
        appointment=appointment, acting_user=alice, attendance="cancelled_by_client"
    )
    with pytest.raises(ValidationError):
        appointment_delete(appointment=appointment, acting_user=alice)
    fresh = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    appointment_delete(appointment=fresh, acting_user=alice)
    assert KeyworkAppointment.objects.count() == 1


def test_an_update_replaces_interventions_and_checks_the_rules(episode_a, alice):
    contact = log(episode_a, alice)
    fields = {
        "contact_date": contact.contact_date,
        "contact_type": "keywork",
        "mode": "telephone",
        "duration_minutes": 30,
        "attendance": "attended",
        "note": "Rang to rearrange",
    }
    contact_update(
        contact=contact, acting_user=alice, interventions=["cbt", "harm_reduction"], **fields
    )
    assert set(contact.interventions.values_list("code", flat=True)) == {"cbt", "harm_reduction"}
    with pytest.raises(ValidationError):
        contact_update(contact=contact, acting_user=alice, interventions=[], **fields)
    contact.refresh_from_db()
    assert contact.mode == "telephone"
    assert ContactIntervention.objects.filter(contact=contact).count() == 2


def test_a_deletion_needs_a_reason(episode_a, alice):
    contact = log(episode_a, alice)
    with pytest.raises(ValidationError):
        contact_delete(contact=contact, acting_user=alice, reason="  ")
    contact_delete(contact=contact, acting_user=alice, reason="Logged on the wrong client")
    assert not Contact.objects.exists()
