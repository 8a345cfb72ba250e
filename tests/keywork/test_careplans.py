import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from keywork.actions.careplans import goal_add, goal_review, goal_update
from keywork.models import CarePlan, Goal, GoalReview
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


def add(episode, by, **kwargs):
    return goal_add(
        episode=episode,
        acting_user=by,
        **({"text": "Stay off it at weekends", "domain": "drug_use"} | kwargs),
    )


def test_the_first_goal_creates_the_care_plan(episode_a, alice, today):
    goal = add(episode_a, alice)
    assert CarePlan.objects.get().episode == episode_a
    assert goal.status == "open"
    assert goal.set_on == today
    assert goal.next_review_date == today + dt.timedelta(days=28)
    add(episode_a, alice, domain="housing", text="Get on the council list")
    assert CarePlan.objects.count() == 1


def test_a_near_target_date_brings_the_first_review_forward(episode_a, alice, today):
    goal = add(episode_a, alice, target_date=today + dt.timedelta(days=10))
    assert goal.next_review_date == today + dt.timedelta(days=10)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  "}, "text"),
        ({"domain": "astrology"}, "domain"),
        ({"target_date": days_ago(1)}, "target_date"),
        ({"set_on": days_ago(-1)}, "set_on"),
        ({"set_on": days_ago(61)}, "set_on"),
        ({"next_review_date": days_ago(1)}, "next_review_date"),
    ],
)
def test_a_bad_goal_is_refused(episode_a, alice, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        add(episode_a, alice, **kwargs)
    assert field in excinfo.value.message_dict
    assert not Goal.objects.exists()


def test_no_goal_is_added_to_an_ended_episode(episode_a, alice, today):
    episode_a.end_date = today
    episode_a.discharge_reason_id = "dropped_out"
    episode_a.save()
    with pytest.raises(ValidationError):
        add(episode_a, alice)


def test_a_review_keeps_the_goal_open_until_the_next_one(episode_a, alice, today):
    goal = add(episode_a, alice)
    goal_review(
        goal=goal, acting_user=alice, review_date=today, note="Two clean weekends", status="open"
    )
    goal.refresh_from_db()
    assert goal.next_review_date == today + dt.timedelta(days=28)
    assert GoalReview.objects.get().note == "Two clean weekends"


def test_a_review_can_close_the_goal(episode_a, alice, today):
    goal = add(episode_a, alice)
    goal_review(goal=goal, acting_user=alice, review_date=today, note="Done", status="achieved")
    goal.refresh_from_db()
    assert (goal.status, goal.next_review_date) == ("achieved", None)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"note": ""}, "note"),
        ({"review_date": days_ago(-1)}, "review_date"),
        ({"review_date": days_ago(1)}, "review_date"),  # before the goal was agreed (today)
        ({"status": "maybe"}, "status"),
        ({"next_review_date": days_ago(0)}, "next_review_date"),
    ],
)
def test_a_bad_review_is_refused_and_changes_nothing(episode_a, alice, kwargs, field):
    goal = add(episode_a, alice)
    fields = {"review_date": days_ago(0), "note": "ok", "status": "open"} | kwargs
    with pytest.raises(ValidationError) as excinfo:
        goal_review(goal=goal, acting_user=alice, **fields)
    assert field in excinfo.value.message_dict
    assert not GoalReview.objects.exists()
    goal.refresh_from_db()
    assert goal.status == "open"


def test_the_database_ties_the_review_date_to_open_goals(episode_a, alice):
    goal = add(episode_a, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(status="achieved")


def test_goals_due_for_review(episode_a, alice, today):
    due = add(episode_a, alice, set_on=days_ago(30))
    add(episode_a, alice, set_on=days_ago(2))
    assert list(Goal.objects.due_for_review(today)) == [due]
    episode_a.end_date = today
    episode_a.discharge_reason_id = "dropped_out"
    episode_a.save()
    assert not Goal.objects.due_for_review(today).exists()


def test_a_goal_can_be_reworded(episode_a, alice):
    goal = add(episode_a, alice)
    goal_update(
        goal=goal, acting_user=alice, text="No using at all", domain="drug_use", target_date=None
    )
    goal.refresh_from_db()
    assert goal.text == "No using at all"


def test_the_care_plan_page_adds_a_goal_and_shows_it(client_as, alice, episode_a):
    client = client_as(alice)
    url = reverse("keywork:care_plan", args=[episode_a.pk])
    response = client.post(url, {"text": "Sort out my benefits", "domain": "money"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Sort out my benefits" in body
    assert "Review this goal" in body


def test_the_care_plan_page_refuses_a_goal_without_words(client_as, alice, episode_a):
    url = reverse("keywork:care_plan", args=[episode_a.pk])
    response = client_as(alice).post(url, {"text": "", "domain": "money"})
    assert response.status_code == 422
    assert not Goal.objects.exists()


def test_a_review_is_recorded_from_the_page(client_as, alice, episode_a, today):
    goal = add(episode_a, alice)
    client = client_as(alice)
    url = reverse("keywork:goal_review", args=[goal.pk])
    bad = client.post(url, {"review_date": today.isoformat(), "note": "", "status": "open"})
    assert bad.status_code == 422
    good = client.post(url, {"review_date": today.isoformat(), "note": "Good", "status": "dropped"})
    assert good.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "dropped"


def test_the_care_plan_page_runs_a_constant_number_of_queries(
    client_as, alice, episode_a, today, django_assert_max_num_queries
):
    for n in range(20):
        goal = add(episode_a, alice, text=f"Goal {n}", set_on=days_ago(40))
        goal_review(
            goal=goal, acting_user=alice, review_date=days_ago(10), note="ok", status="open"
        )
    client = client_as(alice)
    # session, user, clinical check, episode, goals, their reviews, top bar
    # (standing), plus the pghistory/axes middleware reads; the access event
    # (acting membership, insert).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("keywork:care_plan", args=[episode_a.pk])).status_code == 200
