"""The TOP rows of the quarterly return: the metrics' own figures (start TOPs
over the quarter's starts, change at review over the starts 26 weeks
earlier), per service and for all, then the small-number rule."""

import datetime as dt

import pytest

from reporting.metrics.cohort import Cohort
from reporting.metrics.top import top
from reporting.returns.build import ALL, build_return, raw_figures, return_row
from reporting.returns.build import breakdowns as breakdown_rows
from reporting.returns.disclosure import SUPPRESSED, round_count
from reporting.returns.layout import build_layout
from reporting.returns.quarters import Quarter
from tests.factories import EpisodeFactory, ReferralFactory
from tests.outcomes.top_support import make_top

pytestmark = pytest.mark.django_db

Q1 = Quarter(2026, 1)


def _episode(service, start: dt.date):
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=3))
    return EpisodeFactory(referral=referral, start_date=start)


@pytest.fixture
def tops(service_a, service_b):
    """A: 12 starts in the quarter (10 with a start TOP on time) and 12
    episodes 26 weeks earlier with start and review TOPs; B: 2 of each."""
    for service, n in ((service_a, 12), (service_b, 2)):
        for i in range(n):
            ep = _episode(service, Q1.start + dt.timedelta(days=i))
            if i < n - 2 or service is service_b:
                make_top(ep, "start", ep.start_date)
            old = _episode(service, Q1.start - dt.timedelta(days=182 - i))
            make_top(old, "start", old.start_date, quality_of_life=8)
            make_top(
                old, "review", old.start_date + dt.timedelta(days=180), quality_of_life=8 + i % 4
            )
    return service_a, service_b


def test_the_raw_top_rows_are_the_metrics_figures(tops):
    a, b = tops
    figures = raw_figures(services=[a, b], quarter=Q1, layout=build_layout(breakdown_rows()))
    for service in (a, b):
        quarter = top(Cohort(Q1.start, Q1.end, Q1.end, [service.pk]))
        shift = dt.timedelta(days=182)
        review = top(Cohort(Q1.start - shift, Q1.end - shift, Q1.end, [service.pk]))
        assert figures[("top_start_due", service.code)] == quarter["start_tops_due"]
        assert figures[("top_start_on_time", service.code)] == quarter["start_tops_on_time"]
        assert figures[("top_pairs", service.code)] == review["pairs"]
        assert figures[("top_using_crack", service.code)] == review["crack"]["using_at_start"]
        assert figures[("top_change_quality_of_life", service.code)] == pytest.approx(
            review["quality_of_life"]["mean_change"]
        )
    assert figures[("top_pairs", "A")] == 12
    assert figures[("top_start_on_time", "A")] == 10
    overall = top(
        Cohort(Q1.start - dt.timedelta(days=182), Q1.end - dt.timedelta(days=182), Q1.end)
    )
    assert figures[("top_change_quality_of_life", ALL)] == pytest.approx(
        overall["quality_of_life"]["mean_change"]
    )


def test_the_published_top_rows_follow_the_small_number_rule(tops):
    doc = build_return(services=list(tops), quarter=Q1)
    # B's 2 pairs are hidden, and A's 12 with them (the total would give B
    # away); the total of 14 is published, rounded.
    assert return_row(doc, "top_pairs") == [SUPPRESSED, SUPPRESSED, round_count(14)]
    # A mean over B's two pairs is not published either.
    assert return_row(doc, "top_change_quality_of_life")[1] == SUPPRESSED
