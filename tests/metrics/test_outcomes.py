"""Paired outcome change, keyworker forms as the primary analysis."""

import datetime as dt
import math
import statistics

import pytest
from scipy import stats

from reporting.metrics import Cohort, agreement, outcome_change, outcomes
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, OutcomeFormFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
AS_OF = D(2026, 6, 30)
START = D(2026, 1, 10)


def _episode(service):
    referral = ReferralFactory(service=service, referral_date=D(2026, 1, 5))
    return EpisodeFactory(referral=referral, start_date=START)


def _form(episode, timepoint, days, spend=None, crime=False, reporter="keyworker", on=None):
    offset = {"baseline": 0, "day30": 30, "day90": 90}[timepoint]
    return OutcomeFormFactory(
        episode=episode,
        timepoint=timepoint,
        reported_by=reporter,
        form_date=on or START + dt.timedelta(days=offset),
        crack_days=days,
        crack_spend_per_day=spend if days else None,
        crime_involved=crime,
    )


# (baseline days, spend, crime), (day-30 days, spend, crime)
PAIRS = [
    ((10, 60, True), (4, 50, False)),
    ((12, 60, True), (6, 40, True)),
    ((8, 50, False), (8, 50, False)),
    ((20, 100, True), (0, None, False)),
    ((0, None, False), (3, 20, False)),
]


@pytest.fixture
def cohort(service_a):
    first = None
    for (bd, bs, bc), (fd, fs, fc) in PAIRS:
        ep = _episode(service_a)
        first = first or ep
        _form(ep, "baseline", bd, bs, bc)
        _form(ep, "day30", fd, fs, fc)
    # Client self-reports: never in the primary analysis.
    _form(first, "baseline", 30, 200, True, reporter="client")
    _form(first, "day30", 0, None, False, reporter="client")
    only_client = _episode(service_a)
    _form(only_client, "baseline", 30, 100, True, reporter="client")
    _form(only_client, "day30", 30, 100, True, reporter="client")
    # A baseline without a follow-up, and a follow-up dated after the as-of date.
    _form(_episode(service_a), "baseline", 15, 60)
    late = _episode(service_a)
    _form(late, "baseline", 15, 60)
    _form(late, "day90", 1, 10, on=D(2026, 7, 1))
    # One day-90 pair.
    _form(first, "day90", 2, 30)
    return Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk])


def test_day30_pairs_give_means_interval_and_tests(cohort):
    day30 = outcome_change(cohort, "day30")
    diffs = [f[0] - b[0] for b, f in PAIRS]
    mean = statistics.mean(diffs)
    half = stats.t.ppf(0.975, 4) * statistics.stdev(diffs) / math.sqrt(5)
    assert day30 == {
        "n_pairs": 5,
        "baseline_mean_crack_days": 10.0,
        "followup_mean_crack_days": 4.2,
        "mean_difference": pytest.approx(-5.8),
        "ci95": [pytest.approx(mean - half), pytest.approx(mean + half)],
        "wilcoxon_p": pytest.approx(stats.wilcoxon(diffs).pvalue),
        # 600, 720, 400, 2000, 0 and 200, 240, 400, 0, 60 pounds a month
        "baseline_mean_monthly_spend": 744.0,
        "followup_mean_monthly_spend": 180.0,
        "baseline_abstinent": 1,
        "followup_abstinent": 1,
        # One became abstinent, one stopped being: binomial 1 of 2.
        "mcnemar_p": 1.0,
        "baseline_crime": 3,
        "followup_crime": 1,
    }


def test_client_self_reports_are_left_out_of_the_primary_analysis(cohort):
    assert outcome_change(cohort, "day30")["n_pairs"] == 5
    client = outcome_change(cohort, "day30", reporter="client")
    assert client["n_pairs"] == 2
    assert client["baseline_mean_crack_days"] == 30.0


def test_one_pair_gives_no_interval(cohort):
    day90 = outcomes(cohort)["day90"]
    assert day90["n_pairs"] == 1
    assert day90["mean_difference"] == -8.0
    assert day90["ci95"] is None
    assert day90["wilcoxon_p"] == pytest.approx(stats.wilcoxon([-8]).pvalue)


def test_every_difference_zero_gives_no_wilcoxon_p(service_a):
    for days in (5, 3):
        ep = _episode(service_a)
        _form(ep, "baseline", days, 10)
        _form(ep, "day30", days, 10)
    day30 = outcome_change(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]), "day30")
    assert day30["wilcoxon_p"] is None
    assert day30["mean_difference"] == 0.0
    assert day30["ci95"] == [0.0, 0.0]
    assert day30["mcnemar_p"] == 1.0


def test_no_pairs_leaves_only_the_count(service_a):
    figures = outcomes(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]))
    assert figures == {"day30": {"n_pairs": 0}, "day90": {"n_pairs": 0}}


def test_detail_adds_spend_statistics_crime_mcnemar_and_medians(cohort):
    day30 = outcome_change(cohort, "day30", detail=True)
    spend_diffs = [-400, -480, 0, -2000, 60]
    assert day30["spend_mean_difference"] == pytest.approx(statistics.mean(spend_diffs))
    assert day30["spend_wilcoxon_p"] == pytest.approx(stats.wilcoxon(spend_diffs).pvalue)
    assert day30["baseline_median_crack_days"] == 10.0
    assert day30["followup_median_crack_days"] == 4.0
    assert (day30["crime_stopped"], day30["crime_started"]) == (2, 0)
    assert day30["crime_mcnemar_p"] == pytest.approx(stats.binomtest(0, 2).pvalue)
    assert day30["small_n"] is True


def test_agreement_pairs_keyworker_and_client_reports_of_the_same_timepoint(cohort):
    figures = agreement(cohort)
    # The first episode: keyworker 10 vs client 30 at baseline, 4 vs 0 at day 30.
    assert figures["pairs"] == 2
    assert figures["mean_absolute_difference"] == 12.0
    assert figures["exact"] == 0
    assert figures["within_2_days"] == 0
