"""Retention at 30 and 90 days, early exits and the Kaplan-Meier curve on a
hand-built cohort (domain.md). As of 15 April 2026, day 30 needs a start by
16 March and day 90 a start by 15 January."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, retention, step_episodes, survival
from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
AS_OF = D(2026, 4, 15)


@pytest.fixture
def cohort(service_a):
    eps = {}

    def episode(name, start, end=None, reason=None, attended=3, dna=0):
        referral = ReferralFactory(service=service_a, referral_date=start - dt.timedelta(days=3))
        eps[name] = EpisodeFactory(
            referral=referral, start_date=start, end_date=end, discharge_reason_id=reason
        )
        for i in range(attended):
            ContactFactory(episode=eps[name], contact_date=start + dt.timedelta(days=i))
        for _ in range(dna):
            ContactFactory(
                episode=eps[name], contact_date=start, attendance="dna", duration_minutes=None
            )
        return eps[name]

    episode("ends_on_day_30", D(2026, 1, 5), D(2026, 2, 4), "dropped_out")
    episode("completed_on_day_20", D(2026, 1, 6), D(2026, 1, 26), "completed_drug_free")
    episode("open", D(2026, 2, 1))
    episode("open_censored_at_as_of", D(2026, 3, 20), attended=1)
    episode("ended_after_as_of", D(2026, 1, 10), D(2026, 4, 20), "dropped_out")
    episode("single_contact_exit", D(2026, 2, 10), D(2026, 2, 20), "dropped_out", 1, dna=2)
    episode("four_day_exit", D(2026, 2, 15), D(2026, 2, 19), "dropped_out")
    episode("left_on_day_9", D(2026, 1, 20), D(2026, 1, 29), "dropped_out", attended=2)
    episode("before_the_period", D(2025, 12, 20), D(2026, 1, 2), "dropped_out", attended=0)
    return Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]), eps


def _names(c, eps, step):
    by_pk = {e.pk: n for n, e in eps.items()}
    return {by_pk[e.pk] for e in step_episodes(c, step)}


def test_it_counts_eligible_retained_and_early_exits(cohort):
    assert retention(cohort[0]) == {
        "episodes": 8,
        "eligible_30": 7,
        "retained_30": 4,
        "eligible_90": 3,
        "retained_90": 2,
        "early_exit": 2,
    }


def test_an_episode_ending_exactly_on_day_30_is_retained_at_30_not_90(cohort):
    c, eps = cohort
    assert "ends_on_day_30" in _names(c, eps, "retained_30")
    assert "ends_on_day_30" in _names(c, eps, "not_retained_90")


def test_completion_before_day_30_counts_as_retained_at_30_and_90(cohort):
    c, eps = cohort
    assert "completed_on_day_20" in _names(c, eps, "retained_30")
    assert "completed_on_day_20" in _names(c, eps, "retained_90")


def test_an_open_episode_too_young_on_the_as_of_date_is_censored_not_counted(cohort):
    c, eps = cohort
    assert "open_censored_at_as_of" in _names(c, eps, "censored_30")
    assert "open_censored_at_as_of" not in _names(c, eps, "eligible_30")
    assert _names(c, eps, "censored_90") == {
        "open",
        "open_censored_at_as_of",
        "single_contact_exit",
        "four_day_exit",
        "left_on_day_9",
    }
    detail = retention(c, detail=True)
    assert detail["censored_30"] == 1
    assert detail["censored_90"] == 5
    assert detail["episodes"] - detail["censored_30"] == detail["eligible_30"]


def test_an_episode_ended_after_the_as_of_date_counts_as_open_on_it(cohort):
    c, eps = cohort
    assert "ended_after_as_of" in _names(c, eps, "open_on_as_of")
    assert "ended_after_as_of" in _names(c, eps, "retained_90")
    assert "ended_after_as_of" not in _names(c, eps, "early_exit")


def test_early_exit_is_seven_days_or_fewer_or_one_attended_contact(cohort):
    c, eps = cohort
    # DNAs are not attended contacts; nine days with two contacts is not early.
    assert _names(c, eps, "early_exit") == {"single_contact_exit", "four_day_exit"}


def test_a_completed_episode_of_seven_days_or_fewer_is_still_an_early_exit(service_a):
    # domain.md says "an episode that has ended" whatever the reason: the
    # choice is written in docs/metrics.md.
    referral = ReferralFactory(service=service_a, referral_date=D(2026, 1, 2))
    EpisodeFactory(
        referral=referral,
        start_date=D(2026, 1, 5),
        end_date=D(2026, 1, 12),
        discharge_reason_id="completed_drug_free",
    )
    figures = retention(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]))
    assert figures["early_exit"] == 1
    assert figures["retained_30"] == 1


def test_the_kaplan_meier_curve_censors_open_and_completed_episodes(cohort):
    km = survival(cohort[0])
    # Events (left without completing): days 4, 9, 10 and 30. Censored:
    # completed on day 20, open on the as-of date at 26, 73 and 95 days.
    assert (km["episodes"], km["events"], km["censored"]) == (8, 4, 4)
    steps = {p["day"]: p for p in km["curve"]}
    assert steps[0]["survival"] == 1.0
    assert steps[4]["survival"] == pytest.approx(7 / 8)
    assert steps[9]["survival"] == pytest.approx(6 / 8)
    assert steps[10]["survival"] == pytest.approx(5 / 8)
    assert steps[26]["survival"] == pytest.approx(5 / 8)
    assert steps[30]["survival"] == pytest.approx(5 / 8 * 2 / 3)
    assert steps[30]["at_risk"] == 3
    assert steps[20]["censored"] == 1
    assert km["median_days"] == 30
    for point in km["curve"][1:]:
        assert point["low"] <= point["survival"] <= point["high"]


def test_an_empty_cohort_has_no_curve(db):
    km = survival(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, []))
    assert km == {"episodes": 0, "events": 0, "censored": 0, "curve": [], "median_days": None}
