"""TOP due dates in the follow-up engine: each window on its edges (day -15,
-14, +14, +15), in Python and in the sweeper's SQL; the service settings;
notifications once."""

import datetime as dt

import pytest

from outcomes.actions import followups_sweep
from outcomes.models import FollowUp, Notification
from outcomes.queries import digest_counts
from outcomes.top_followups import review_due, top_state
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory
from tests.outcomes.top_support import make_top

USES_TOP = True

pytestmark = pytest.mark.today(LITERAL_DAY)

START = dt.date(2026, 3, 1)

EDGES = [(-15, "upcoming"), (-14, "due"), (0, "due"), (14, "due"), (15, "overdue")]


def episode_on(service, keyworker, start=START, tier=3):
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=30))
    extra = {"planned_days": 84} if tier == 4 else {}
    return EpisodeFactory(
        referral=referral, keyworker=keyworker, start_date=start, tier=tier, **extra
    )


def row(episode, kind):
    return FollowUp.objects.get(episode=episode, timepoint=kind)


@pytest.mark.parametrize(("day", "state"), EDGES)
def test_the_start_top_window_in_python(day, state):
    as_of = START + dt.timedelta(days=day)
    assert top_state(target=START, end=None, done=False, as_of=as_of) == state


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "state"), EDGES)
def test_the_sweeper_agrees_on_the_start_top_window(alice, service_a, day, state):
    episode = episode_on(service_a, alice)
    followups_sweep(as_of=START + dt.timedelta(days=day))
    assert row(episode, "top_start").state == state


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "state"), EDGES)
def test_the_review_window_26_weeks_after_the_start_top(alice, service_a, day, state):
    episode = episode_on(service_a, alice)
    start_top = START + dt.timedelta(days=3)
    make_top(episode, "start", start_top)
    due = start_top + dt.timedelta(weeks=26)
    as_of = due + dt.timedelta(days=day)
    followups_sweep(as_of=as_of)
    assert row(episode, "top_start").state == "done"
    review = row(episode, "top_review")
    assert review.due_date == due
    assert review.state == state
    assert top_state(target=due, end=None, done=False, as_of=as_of) == state


@pytest.mark.django_db
def test_the_service_sets_the_review_interval(alice, service_a):
    service_a.top_review_weeks = 12
    service_a.save()
    episode = episode_on(service_a, alice)
    make_top(episode, "start", START)
    followups_sweep(as_of=START + dt.timedelta(days=84 - 14))
    review = row(episode, "top_review")
    assert (review.due_date, review.state) == (START + dt.timedelta(days=84), "due")


@pytest.mark.django_db
def test_a_review_top_in_the_window_makes_it_done_and_the_next_one_follows(alice, service_a):
    episode = episode_on(service_a, alice)
    make_top(episode, "start", START)
    first = START + dt.timedelta(weeks=26)
    make_top(episode, "review", first - dt.timedelta(days=14))
    followups_sweep(as_of=first)
    assert FollowUp.objects.get(episode=episode, due_date=first).state == "done"
    second = first + dt.timedelta(weeks=26)
    followups_sweep(as_of=second - dt.timedelta(days=14))
    assert FollowUp.objects.get(episode=episode, due_date=second).state == "due"


@pytest.mark.django_db
def test_a_missed_review_gives_way_to_the_next(alice, service_a):
    episode = episode_on(service_a, alice)
    make_top(episode, "start", START)
    first = START + dt.timedelta(weeks=26)
    second = first + dt.timedelta(weeks=26)
    followups_sweep(as_of=first + dt.timedelta(days=20))
    assert FollowUp.objects.get(episode=episode, due_date=first).state == "overdue"
    followups_sweep(as_of=second)
    assert FollowUp.objects.get(episode=episode, due_date=first).state == "not_applicable"
    assert FollowUp.objects.get(episode=episode, due_date=second).state == "due"


def test_review_due_counts_whole_intervals_from_the_start_top():
    start_top = dt.date(2026, 1, 1)
    assert review_due(start_top, 26, start_top) == start_top + dt.timedelta(weeks=26)
    late = start_top + dt.timedelta(weeks=52, days=-14)
    assert review_due(start_top, 26, late) == start_top + dt.timedelta(weeks=52)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("instruments", "kinds"),
    [
        ("both", {"day30", "day90", "top_start"}),
        ("top", {"top_start"}),
        ("nectos", {"day30", "day90"}),
    ],
)
def test_the_service_says_which_instruments_it_uses(alice, service_a, instruments, kinds):
    service_a.outcome_instruments = instruments
    service_a.save()
    episode = episode_on(service_a, alice)
    followups_sweep(as_of=START + dt.timedelta(days=30))
    made = set(FollowUp.objects.filter(episode=episode).values_list("timepoint", flat=True))
    assert made == kinds


@pytest.mark.django_db
def test_a_service_that_stops_using_the_top_stops_asking(alice, service_a):
    episode = episode_on(service_a, alice)
    followups_sweep(as_of=START + dt.timedelta(days=30))
    service_a.outcome_instruments = "nectos"
    service_a.save()
    followups_sweep(as_of=START + dt.timedelta(days=31))
    assert row(episode, "top_start").state == "not_applicable"


@pytest.mark.django_db
def test_tier_2_gets_no_top(alice, service_a):
    referral = ReferralFactory(service=service_a, referral_date=START)
    episode = EpisodeFactory(referral=referral, keyworker=alice, start_date=START, tier=2)
    followups_sweep(as_of=START + dt.timedelta(days=30))
    assert not FollowUp.objects.filter(episode=episode, timepoint="top_start").exists()


@pytest.mark.django_db
def test_an_overdue_start_top_is_notified_once_and_counted_in_the_digest(alice, service_a):
    episode = episode_on(service_a, alice)
    service_a.outcome_instruments = "top"
    service_a.save()
    as_of = START + dt.timedelta(days=20)
    followups_sweep(as_of=as_of)
    followups_sweep(as_of=as_of)
    notes = Notification.objects.filter(followup__episode=episode)
    assert list(notes.values_list("kind", "followup__timepoint")) == [("overdue", "top_start")]
    assert digest_counts(user=alice, as_of=as_of).overdue == 1
