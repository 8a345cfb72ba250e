import datetime as dt
import json

import pytest
from django.urls import reverse

from keywork.actions.contacts import appointment_book, contact_log
from keywork.models import Contact, KeyworkAppointment
from tests.factories import ContactFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(**overrides) -> dict:
    data = {
        "contact_date": days_ago(0).isoformat(),
        "contact_type": "keywork",
        "mode": "in_person",
        "duration_minutes": "60",
        "attendance": "attended",
        "interventions": ["motivational_interviewing"],
        "note": "",
    }
    return data | overrides


def test_the_logger_opens_in_place_with_the_defaults_and_focus_on_the_first_intervention(
    client_as, alice, episode_a, today
):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).get(url, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a fragment, not a page
    assert f'value="{today.isoformat()}"' in body
    assert 'value="60"' in body
    assert '<option value="keywork" selected>' in body
    assert '<option value="in_person" selected>' in body
    assert '<option value="attended" selected>' in body
    first_box = body.index('type="checkbox"')
    assert "data-autofocus" in body[first_box : body.index(">", first_box)]
    assert body.index('value="motivational_interviewing"') > first_box
    assert "data-enter-submits" in body


def test_without_htmx_the_logger_is_a_page(client_as, alice, episode_a):
    response = client_as(alice).get(reverse("keywork:contact_new", args=[episode_a.pk]))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_a_contact_with_the_defaults_and_one_tick_is_logged_and_announced(
    client_as, alice, episode_a, today
):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(url, form_data(), **HTMX)
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert (contact.contact_date, contact.duration_minutes, contact.recorded_by) == (
        today,
        60,
        alice,
    )
    assert json.loads(response["HX-Trigger"]) == {"contactLogged": {"episode": episode_a.pk}}
    assert 'data-testid="contact-logged"' in response.content.decode()


def test_a_bad_contact_comes_back_422_with_messages_and_nothing_saved(client_as, alice, episode_a):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(
        url, form_data(interventions=[], contact_date=days_ago(-1).isoformat()), **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "cannot be dated after today" in body
    assert not Contact.objects.exists()
    assert "HX-Trigger" not in response


def test_an_attended_keywork_contact_without_intervention_is_refused(client_as, alice, episode_a):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(url, form_data(interventions=[]), **HTMX)
    assert response.status_code == 422
    assert "Tick at least one intervention" in response.content.decode()


def test_the_form_drops_the_default_length_when_the_client_did_not_attend(
    client_as, alice, episode_a
):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(
        url, form_data(attendance="dna", interventions=[], duration_minutes="60"), **HTMX
    )
    assert response.status_code == 200
    assert Contact.objects.get().duration_minutes is None


@pytest.mark.parametrize(("minutes", "status"), [("0", 422), ("721", 422), ("", 422), ("720", 200)])
def test_the_form_checks_the_length_of_an_attended_contact(
    client_as, alice, episode_a, minutes, status
):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(url, form_data(duration_minutes=minutes), **HTMX)
    assert response.status_code == status


def test_the_next_appointment_is_booked_from_the_same_form(client_as, alice, episode_a):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    day = days_ago(-7)
    response = client_as(alice).post(
        url,
        form_data(next_appointment_date=day.isoformat(), next_appointment_time="10:30"),
        **HTMX,
    )
    assert response.status_code == 200
    appointment = KeyworkAppointment.objects.get()
    assert appointment.appointment_date == day
    assert str(appointment.appointment_time) == "10:30:00"
    assert "Next appointment booked" in response.content.decode()


def test_a_next_appointment_in_the_past_is_refused_and_nothing_saved(client_as, alice, episode_a):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    response = client_as(alice).post(
        url, form_data(next_appointment_date=days_ago(3).isoformat()), **HTMX
    )
    assert response.status_code == 422
    assert not Contact.objects.exists()
    assert not KeyworkAppointment.objects.exists()


def test_logging_from_a_booked_appointment_resolves_it(client_as, alice, episode_a, today):
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    page = client_as(alice).get(f"{url}?appointment={appointment.pk}", **HTMX)
    assert f'name="appointment" value="{appointment.pk}"' in page.content.decode()
    client_as(alice).post(url, form_data(appointment=str(appointment.pk)), **HTMX)
    appointment.refresh_from_db()
    assert appointment.contact == Contact.objects.get()


def test_cancel_closes_the_logger_and_returns_focus(client_as, alice, episode_a):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    body = client_as(alice).get(f"{url}?closed=1", **HTMX).content.decode()
    assert "Log contact" in body
    assert "data-autofocus" in body


def test_the_contact_page_shows_who_changed_what(client_as, alice, bob, episode_a):
    contact = contact_log(
        episode=episode_a, acting_user=alice, contact_date=days_ago(2), interventions=["cbt"]
    )
    client = client_as(bob)
    response = client.post(
        reverse("keywork:contact_edit", args=[contact.pk]),
        form_data(
            contact_date=days_ago(2).isoformat(),
            duration_minutes="45",
            interventions=["cbt", "harm_reduction"],
        ),
    )
    assert response.status_code == 302
    body = client.get(reverse("keywork:contact_detail", args=[contact.pk])).content.decode()
    history = body[body.index('data-testid="contact-history"') :]
    assert "Logged</strong> by Alice Keyworker" in history
    assert "Changed</strong> by Bob Manager" in history
    assert "<td>60</td><td>45</td>" in history
    assert "Interventions added: Harm reduction" in history


def test_an_edit_that_breaks_a_rule_is_refused(client_as, alice, episode_a):
    contact = ContactFactory(episode=episode_a, contact_date=days_ago(2))
    response = client_as(alice).post(
        reverse("keywork:contact_edit", args=[contact.pk]),
        form_data(contact_date=(episode_a.start_date - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.contact_date == days_ago(2)


def test_a_deletion_keeps_who_when_and_why_on_the_episode(client_as, alice, episode_a):
    contact = contact_log(
        episode=episode_a, acting_user=alice, contact_date=days_ago(2), interventions=["cbt"]
    )
    client = client_as(alice)
    url = reverse("keywork:contact_delete", args=[contact.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert Contact.objects.exists()
    response = client.post(url, {"reason": "Wrong client"})
    assert response.status_code == 302
    assert not Contact.objects.exists()
    body = client.get(reverse("keywork:episode_contacts", args=[episode_a.pk])).content.decode()
    deleted = body[body.index("Deleted contacts") :]
    assert "Alice Keyworker" in deleted
    assert "Wrong client" in deleted


def test_a_dna_is_recorded_against_a_booked_appointment(client_as, alice, episode_a, today):
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    response = client_as(alice).post(
        reverse("keywork:appointment_absence", args=[appointment.pk]), {"attendance": "dna"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.contact.attendance == "dna"


def test_an_appointment_is_booked_on_its_own_page(client_as, alice, episode_a):
    url = reverse("keywork:appointment_new", args=[episode_a.pk])
    client = client_as(alice)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {"appointment_date": days_ago(1).isoformat(), "contact_type": "keywork", "mode": "video"},
    )
    assert bad.status_code == 422
    good = client.post(
        url,
        {"appointment_date": days_ago(-2).isoformat(), "contact_type": "keywork", "mode": "video"},
    )
    assert good.status_code == 302
    assert KeyworkAppointment.objects.get().mode == "video"


def test_the_episode_contacts_page_runs_a_constant_number_of_queries(
    client_as, alice, episode_a, django_assert_max_num_queries
):
    for n in range(200):
        ContactFactory(episode=episode_a, contact_date=days_ago(n % 60))
    client = client_as(alice)
    url = reverse("keywork:episode_contacts", args=[episode_a.pk])
    # session, user, standing (clinical check), episode, count, page of
    # contacts with who logged them, their interventions, deleted-contact
    # events, their users; plus the logger and the top bar (standing); the
    # access event (acting membership, insert).
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert "200 contacts" in response.content.decode()
