import datetime as dt

import pytest
from django.urls import reverse

from keywork.actions.careplans import goal_add
from keywork.actions.contacts import appointment_book, contact_log
from keywork.models import KeyworkAppointment
from keywork.week import my_week
from tests.factories import AppointmentFactory, EpisodeFactory, ReferralFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


def test_my_week_counts_this_weeks_contacts_and_minutes(alice, bob, episode_a, today):
    monday = today - dt.timedelta(days=today.weekday())
    contact_log(episode=episode_a, acting_user=alice, contact_date=monday, interventions=["cbt"])
    contact_log(
        episode=episode_a,
        acting_user=alice,
        contact_date=today,
        duration_minutes=45,
        interventions=["cbt"],
    )
    contact_log(
        episode=episode_a,
        acting_user=alice,
        contact_date=today,
        attendance="dna",
        duration_minutes=None,
    )
    contact_log(
        episode=episode_a,
        acting_user=alice,
        contact_date=monday - dt.timedelta(days=1),
        interventions=["cbt"],
    )  # last week
    contact_log(
        episode=episode_a, acting_user=bob, contact_date=today, interventions=["cbt"]
    )  # not mine
    week = my_week(alice, today)
    assert week.week_start == monday
    assert (week.contact_count, week.attended_count, week.total_minutes) == (3, 2, 105)


def test_my_week_lists_appointments_ahead_and_unresolved_ones(alice, episode_a, today):
    soon = appointment_book(
        episode=episode_a, acting_user=alice, appointment_date=today + dt.timedelta(3)
    )
    appointment_book(
        episode=episode_a, acting_user=alice, appointment_date=today + dt.timedelta(30)
    )
    past = KeyworkAppointment.objects.create(
        episode=episode_a,
        appointment_date=days_ago(2),
        staff=alice,
        booked_by=alice,
    )
    week = my_week(alice, today)
    assert week.upcoming == [soon]
    assert week.unresolved == [past]


def test_my_week_lists_goals_due_for_review_of_my_clients(alice, charlie, episode_a, today):
    due = goal_add(
        episode=episode_a, acting_user=alice, text="Due", domain="money", set_on=days_ago(30)
    )
    goal_add(episode=episode_a, acting_user=alice, text="Not yet", domain="money")
    assert my_week(alice, today).goals_due == [due]
    assert my_week(charlie, today).goals_due == []


def test_my_week_lists_unresolved_assessments_at_my_services(alice, service_a, service_b, today):
    ours = AppointmentFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(10)),
        appointment_date=days_ago(3),
    )
    AppointmentFactory(
        referral=ReferralFactory(service=service_b, referral_date=days_ago(10)),
        appointment_date=days_ago(3),
    )
    assert my_week(alice, today).unresolved_assessments == [ours]


def test_the_week_page_runs_a_constant_number_of_queries(
    client_as, alice, service_a, today, django_assert_max_num_queries
):
    for n in range(15):
        episode = EpisodeFactory(
            referral=ReferralFactory(service=service_a, referral_date=days_ago(70)),
            keyworker=alice,
            start_date=days_ago(60),
        )
        contact_log(episode=episode, acting_user=alice, contact_date=today, interventions=["cbt"])
        appointment_book(
            episode=episode, acting_user=alice, appointment_date=today + dt.timedelta(n % 7)
        )
        KeyworkAppointment.objects.create(
            episode=episode, appointment_date=days_ago(3), staff=alice, booked_by=alice
        )
        goal_add(
            episode=episode, acting_user=alice, text="Due", domain="money", set_on=days_ago(30)
        )
    client = client_as(alice)
    # session, user, clinical check, contacts and their totals, their
    # interventions, appointments ahead, unresolved appointments, goals due,
    # unresolved assessments, top bar (standing), session save (3).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("keywork:week"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "minutes with clients" in body
    assert body.count("Attended…") == 15
