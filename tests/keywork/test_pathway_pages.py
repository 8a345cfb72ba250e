"""What keywork adds to the caseload, the waiting list and the client record
(through the slots and *_loaded hooks of keywork.queries), and that those
pages still run a constant number of queries with 200 contacts on an episode."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keywork.actions.careplans import goal_add
from keywork.actions.contacts import appointment_book
from keywork.actions.dropin import drop_in_attendance_add, drop_in_session_create
from tests.factories import (
    AppointmentFactory,
    ContactFactory,
    EpisodeFactory,
    ReferralFactory,
)
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


def test_the_record_offers_the_logger_and_reloads_the_timeline_on_a_new_contact(
    client_as, alice, episode_a
):
    client = episode_a.referral.client
    body = client_as(alice).get(reverse("keywork:record", args=[client.key])).content.decode()
    assert f'id="contact-logger-{episode_a.pk}"' in body
    assert reverse("keywork:contact_new", args=[episode_a.pk]) in body
    assert 'hx-trigger="contactLogged from:body"' in body


def test_the_record_shows_current_goals_and_booked_appointments(client_as, alice, episode_a, today):
    goal_add(episode=episode_a, acting_user=alice, text="Get my kids back", domain="relationships")
    goal_add(
        episode=episode_a,
        acting_user=alice,
        text="See the GP",
        domain="physical_health",
        set_on=days_ago(30),
    )
    appointment_book(
        episode=episode_a, acting_user=alice, appointment_date=today + dt.timedelta(days=2)
    )
    client = episode_a.referral.client
    body = client_as(alice).get(reverse("keywork:record", args=[client.key])).content.decode()
    goals = body[body.index('data-testid="current-goals"') :]
    assert "Get my kids back" in goals
    assert "See the GP" in goals
    assert "1 due for review" in body
    assert 'data-testid="booked-appointments"' in body


def test_the_record_shows_day_n_of_a_residential_stay(client_as, alice, service_a):
    episode = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(20)),
        keyworker=alice,
        tier=4,
        planned_days=28,
        start_date=days_ago(9),
    )
    url = reverse("keywork:record", args=[episode.referral.client.key])
    body = client_as(alice).get(url).content.decode()
    assert "Day 10 of 28" in body


def test_the_record_says_how_a_residential_stay_ended(client_as, alice, service_a):
    episode = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(40)),
        keyworker=alice,
        tier=4,
        planned_days=28,
        start_date=days_ago(30),
        end_date=days_ago(24),
        discharge_reason_id="dropped_out",
    )
    url = reverse("keywork:record", args=[episode.referral.client.key])
    body = client_as(alice).get(url).content.decode()
    assert "Stayed 6 of 28 planned days (self-discharge)" in body


def test_the_record_shows_day_programme_progress(client_as, alice, service_a):
    service_a.day_programme_weeks = 12
    service_a.save()
    episode = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(40)),
        keyworker=alice,
        start_date=days_ago(30),
    )
    ContactFactory(episode=episode, contact_type="day_programme", contact_date=days_ago(15))
    url = reverse("keywork:record", args=[episode.referral.client.key])
    body = client_as(alice).get(url).content.decode()
    assert "Week 3 of 12" in body


def test_the_caseload_flags_goals_due_and_offers_the_logger(client_as, alice, episode_a):
    goal_add(episode=episode_a, acting_user=alice, text="x", domain="money", set_on=days_ago(30))
    body = client_as(alice).get(reverse("keywork:caseload")).content.decode()
    assert 'data-testid="goals-due-badge"' in body
    assert "1 goal to review" in body
    assert 'id="caseload-logger"' in body
    assert f"{reverse('keywork:contact_new', args=[episode_a.pk])}?target=caseload-logger" in body


def test_the_logger_opened_from_the_caseload_swaps_into_the_shared_container(
    client_as, alice, episode_a
):
    url = reverse("keywork:contact_new", args=[episode_a.pk])
    body = (
        client_as(alice)
        .get(f"{url}?target=caseload-logger", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'hx-target="#caseload-logger"' in body
    assert f'hx-post="{url}?target=caseload-logger"' in body
    evil = client_as(alice).get(f"{url}?target=x%22onclick", HTTP_HX_REQUEST="true")
    assert "onclick" not in evil.content.decode()


def test_a_referred_client_seen_at_the_drop_in_shows_as_engaged(client_as, alice, service_a):
    service_a.open_access_drop_in = True
    service_a.save()
    came = ReferralFactory(service=service_a, referral_date=days_ago(10))
    before = ReferralFactory(service=service_a, referral_date=days_ago(10))
    ReferralFactory(service=service_a, referral_date=days_ago(10))  # never came
    session = drop_in_session_create(service=service_a, acting_user=alice, session_date=days_ago(5))
    drop_in_attendance_add(session=session, acting_user=alice, client=came.client)
    earlier = drop_in_session_create(
        service=service_a, acting_user=alice, session_date=days_ago(20)
    )
    drop_in_attendance_add(session=earlier, acting_user=alice, client=before.client)
    body = client_as(alice).get(reverse("keywork:waiting_list")).content.decode()
    # One row for the client who came (phones restyle the same row as a card).
    assert body.count('data-testid="drop-in-engaged"') == 1
    assert "Engaged: drop-in 1×" in body


def test_a_drop_in_after_the_assessment_is_not_engagement_before_it(client_as, alice, service_a):
    service_a.open_access_drop_in = True
    service_a.save()
    referral = ReferralFactory(service=service_a, referral_date=days_ago(10))
    AppointmentFactory(referral=referral, appointment_date=days_ago(8), attendance="attended")
    session = drop_in_session_create(service=service_a, acting_user=alice, session_date=days_ago(5))
    drop_in_attendance_add(session=session, acting_user=alice, client=referral.client)
    body = client_as(alice).get(reverse("keywork:waiting_list")).content.decode()
    assert 'data-testid="drop-in-engaged"' not in body


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_caseload_and_record_run_the_same_queries_with_200_contacts(
    client_as, alice, episode_a, today, django_assert_max_num_queries
):
    ContactFactory(episode=episode_a, contact_date=days_ago(1))
    goal_add(episode=episode_a, acting_user=alice, text="x", domain="money", set_on=days_ago(30))
    appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    client = client_as(alice)
    record = reverse("keywork:record", args=[episode_a.referral.client.key])
    caseload = reverse("keywork:caseload")
    few_record, _ = _count(client, record)
    few_caseload, _ = _count(client, caseload)
    for n in range(199):
        ContactFactory(episode=episode_a, contact_date=days_ago(n % 60))
    many_record, body = _count(client, record)
    many_caseload, _ = _count(client, caseload)
    assert int(re.search(r"(\d+) entries", body).group(1)) > 200  # all on the timeline
    assert (many_record, many_caseload) == (few_record, few_caseload)
    # Keywork adds to the record: goals, their reviews, booked appointments
    # (and programme progress when the service runs a fixed programme); to
    # the caseload: one grouped count of goals due.
    with django_assert_max_num_queries(few_record):
        client.get(record)
    with django_assert_max_num_queries(few_caseload):
        client.get(caseload)


def test_a_residential_discharge_explains_planned_completion_and_self_discharge(
    client_as, alice, service_a, episode_a
):
    stay = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(20)),
        keyworker=alice,
        tier=4,
        planned_days=28,
        start_date=days_ago(9),
    )
    client = client_as(alice)
    body = client.get(reverse("keywork:episode_discharge", args=[stay.pk])).content.decode()
    assert 'data-testid="residential-discharge-help"' in body
    assert "Self-discharge" in body
    other = client.get(reverse("keywork:episode_discharge", args=[episode_a.pk])).content.decode()
    assert 'data-testid="residential-discharge-help"' not in other
