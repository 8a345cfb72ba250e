"""The follow-up windows (domain.md): a day-N form is due from start + N - 7
and overdue after start + N + 7. Pinned on their edges, in Python and in the
SQL the sweeper runs, which must agree."""

import datetime as dt

import pytest

from outcomes.actions import followups_sweep
from outcomes.models import FollowUp, FollowUpState, followup_state
from tests.dates import LITERAL_DAY
from tests.factories import OutcomeFormFactory
from tests.outcomes.helpers import make_episode

pytestmark = pytest.mark.today(LITERAL_DAY)

START = dt.date(2026, 3, 1)

EDGES = [
    # (timepoint, N, day of episode, state)
    ("day30", 30, 0, "upcoming"),
    ("day30", 30, 22, "upcoming"),
    ("day30", 30, 23, "due"),
    ("day30", 30, 30, "due"),
    ("day30", 30, 37, "due"),
    ("day30", 30, 38, "overdue"),
    ("day90", 90, 82, "upcoming"),
    ("day90", 90, 83, "due"),
    ("day90", 90, 97, "due"),
    ("day90", 90, 98, "overdue"),
]


@pytest.mark.parametrize(("timepoint", "days", "day", "state"), EDGES)
def test_the_window_edges_in_python(timepoint, days, day, state):
    as_of = START + dt.timedelta(days=day)
    assert followup_state(start=START, end=None, done=False, as_of=as_of, days=days) == state


@pytest.mark.django_db
@pytest.mark.parametrize(("timepoint", "days", "day", "state"), EDGES)
def test_the_sweeper_agrees_on_the_window_edges(alice, service_a, timepoint, days, day, state):
    episode = make_episode(service_a, alice, started_days_ago=200)
    as_of = episode.start_date + dt.timedelta(days=day)
    followups_sweep(as_of=as_of)
    assert FollowUp.objects.get(episode=episode, timepoint=timepoint).state == state


def test_a_keyworker_form_makes_it_done_whatever_the_day():
    for day in (0, 30, 60):
        as_of = START + dt.timedelta(days=day)
        assert followup_state(start=START, end=None, done=True, as_of=as_of, days=30) == "done"


def test_an_episode_that_ended_first_makes_it_not_applicable():
    ended = START + dt.timedelta(days=10)
    assert (
        followup_state(start=START, end=ended, done=False, as_of=ended, days=30)
        == FollowUpState.NOT_APPLICABLE
    )


def test_an_episode_that_ends_after_the_as_of_date_is_still_open_on_it():
    ended = START + dt.timedelta(days=40)
    as_of = START + dt.timedelta(days=30)
    assert followup_state(start=START, end=ended, done=False, as_of=as_of, days=30) == "due"


@pytest.mark.django_db
def test_the_sweeper_marks_ended_and_completed_follow_ups(alice, service_a, today):
    ended = make_episode(service_a, alice, started_days_ago=50)
    ended.end_date = today - dt.timedelta(days=20)
    ended.discharge_reason_id = "dropped_out"
    ended.save()
    completed = make_episode(service_a, alice, started_days_ago=50)
    OutcomeFormFactory(episode=completed, timepoint="day30", form_date=today)
    client_only = make_episode(service_a, alice, started_days_ago=50)
    OutcomeFormFactory(
        episode=client_only, timepoint="day30", reported_by="client", form_date=today
    )

    followups_sweep(as_of=today)

    def state(episode, timepoint="day30"):
        return FollowUp.objects.get(episode=episode, timepoint=timepoint).state

    assert state(ended) == "not_applicable"
    assert state(ended, "day90") == "not_applicable"
    assert state(completed) == "done"
    assert state(completed, "day90") == "upcoming"
    # Keyworker forms are the primary analysis: a self-report alone leaves
    # the keyworker's form outstanding.
    assert state(client_only) == "overdue"
