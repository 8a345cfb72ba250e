"""Programme progress (week n of 12, completion) and residential day n of
planned, pinned on their edges."""

import datetime as dt

import pytest

from keywork.models import Episode
from keywork.progress import (
    programme_progress,
    progress_for,
    residential_ending,
    residential_stay,
    with_programme_start,
)
from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = pytest.mark.today(LITERAL_DAY)

START = dt.date(2026, 1, 5)


def progress(as_of_days: int, **kwargs):
    fields = {
        "weeks": 12,
        "started_on": START,
        "sessions_attended": 3,
        "end_date": None,
        "completed_reason": False,
        "as_of": START + dt.timedelta(days=as_of_days),
    }
    return programme_progress(**(fields | kwargs))


@pytest.mark.parametrize(("days", "week"), [(0, 1), (6, 1), (7, 2), (13, 2), (77, 12), (83, 12)])
def test_week_n_counts_from_the_first_session(days, week):
    result = progress(days)
    assert result.week == week
    assert result.label == f"Week {week} of 12"
    assert not result.completed


def test_the_programme_is_complete_the_day_after_week_12_ends():
    assert not progress(83).completed
    done = progress(84)
    assert done.completed
    assert done.label == "Completed the 12-week programme"
    assert progress(400).week == 12


def test_leaving_before_the_end_is_leaving_early():
    left = progress(60, end_date=START + dt.timedelta(days=40))
    assert left.left_early
    assert left.week == 6
    assert left.label == "Left in week 6 of 12"


def test_a_completed_discharge_completes_the_programme():
    assert progress(60, end_date=START + dt.timedelta(days=40), completed_reason=True).completed


def test_an_end_after_the_as_of_date_is_still_running():
    result = progress(20, end_date=START + dt.timedelta(days=40))
    assert (result.week, result.left_early) == (3, False)


def test_no_session_attended_yet_is_not_started():
    result = progress(10, started_on=None)
    assert result.label == "Not started (programme of 12 weeks)"


@pytest.mark.django_db
def test_progress_is_read_from_attended_day_programme_contacts(service_a):
    service_a.day_programme_weeks = 12
    service_a.save()
    episode = EpisodeFactory(referral=ReferralFactory(service=service_a), start_date=START)
    ContactFactory(episode=episode, contact_type="keywork", contact_date=START)
    ContactFactory(
        episode=episode, contact_type="day_programme", contact_date=START + dt.timedelta(days=3)
    )
    ContactFactory(
        episode=episode,
        contact_type="day_programme",
        contact_date=START + dt.timedelta(days=2),
        attendance="dna",
        duration_minutes=None,
    )
    ContactFactory(
        episode=episode, contact_type="day_programme", contact_date=START + dt.timedelta(days=10)
    )
    annotated = with_programme_start(
        Episode.objects.select_related("referral__service", "discharge_reason")
    ).get()
    result = progress_for(annotated, START + dt.timedelta(days=17))
    assert result.started_on == START + dt.timedelta(days=3)
    assert result.sessions_attended == 2
    assert result.label == "Week 3 of 12"


@pytest.mark.django_db
def test_an_open_ended_programme_shows_no_progress(service_a):
    episode = EpisodeFactory(referral=ReferralFactory(service=service_a))
    annotated = with_programme_start(Episode.objects.select_related("referral__service")).get()
    assert progress_for(annotated, START) is None
    assert episode.pk


def stay(days: int, **kwargs):
    episode = Episode(tier=4, start_date=START, planned_days=28, **kwargs)
    return residential_stay(episode, START + dt.timedelta(days=days))


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (0, "Day 1 of 28"),
        (27, "Day 28 of 28"),
        (28, "Planned discharge day (28 days completed)"),
        (30, "2 days past the planned 28"),
    ],
)
def test_a_residential_stay_shows_day_n_of_planned(days, label):
    assert stay(days).label == label


def test_residential_day_n_is_only_for_tier_4():
    assert residential_stay(Episode(tier=3, start_date=START), START) is None


@pytest.mark.django_db
def test_a_residential_discharge_says_how_the_stay_ended():
    from keywork.models import DischargeReason

    completed = DischargeReason.objects.get(code="completed_drug_free")
    left = DischargeReason.objects.get(code="dropped_out")
    done = stay(40, end_date=START + dt.timedelta(days=28), discharge_reason=completed)
    assert done.label == "Stayed 28 of 28 planned days (planned completion)"
    early = stay(40, end_date=START + dt.timedelta(days=9), discharge_reason=left)
    assert early.label == "Stayed 9 of 28 planned days (self-discharge)"


@pytest.mark.parametrize(
    ("code", "completed", "ending"),
    [
        ("completed_drug_free", True, "planned completion"),
        ("completed_occasional_user", True, "planned completion"),
        ("dropped_out", False, "self-discharge"),
        ("declined_by_client", False, "self-discharge"),
        ("withdrawn_by_provider", False, "discharged by the service"),
        ("transferred_in_custody", False, "other"),
        (None, False, ""),
    ],
)
def test_discharge_reasons_map_onto_residential_endings(code, completed, ending):
    assert residential_ending(code, completed) == ending
