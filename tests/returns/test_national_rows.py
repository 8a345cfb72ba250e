"""The national measures in the quarterly return: the metrics' figures per
service and for all services, protected like every other row, each defined
on the cover sheet in one sentence."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, national
from reporting.returns.build import ALL, build_return, raw_figures, return_row
from reporting.returns.build import breakdowns as breakdown_rows
from reporting.returns.disclosure import SUPPRESSED, publish_count, round_count
from reporting.returns.layout import build_layout
from reporting.returns.national import SECTIONS, judged_cohort
from reporting.returns.quarters import Quarter
from services.models import Role
from tests.factories import EpisodeFactory, MembershipFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

Q1 = Quarter(2026, 1)
QUARTER_ROWS = {
    "national_in_treatment": "in_treatment",
    "national_exits": "exits",
    "national_successful_completions": "successful_completions",
    "national_effective_eligible": "effective_eligible",
    "national_effective_treatment": "effective_treatment",
    "national_early_unplanned_exits": "early_unplanned_exits",
    "national_episodes_started": "episodes_started",
    "national_waited_over_21_days": "waited_over_21_days",
}
JUDGED_ROWS = {
    "national_prior_in_treatment": "in_treatment",
    "national_prior_successful_completions": "successful_completions",
    "national_successful_not_representing": "successful_not_representing",
}


@pytest.fixture
def completions_six_months_back(seeded):
    """Twelve of service A's clients completed in the summer before the
    quarter; four were referred again within six months."""
    service_a, _b = seeded
    kw = UserFactory(username="kw-national")
    MembershipFactory(user=kw, service=service_a, role=Role.KEYWORKER)
    for i in range(12):
        referral = ReferralFactory(service=service_a, referral_date=dt.date(2025, 4, 1 + i))
        EpisodeFactory(
            referral=referral,
            start_date=dt.date(2025, 4, 10 + i),
            end_date=dt.date(2025, 7, 20 + i),
            discharge_reason_id="completed_occasional_user",
            keyworker=kw,
        )
        if i % 3 == 0:
            ReferralFactory(
                service=service_a, client=referral.client, referral_date=dt.date(2025, 10, 1 + i)
            )
    return seeded


@pytest.fixture
def figures(completions_six_months_back):
    a, b = completions_six_months_back
    return raw_figures(services=[a, b], quarter=Q1, layout=build_layout(breakdown_rows()))


@pytest.mark.parametrize("column", ["A", "B", None])
def test_the_raw_figures_are_the_national_measures(completions_six_months_back, figures, column):
    a, b = completions_six_months_back
    ids = [{"A": a, "B": b}[column].pk] if column else [a.pk, b.pk]
    quarter = Cohort(Q1.start, Q1.end, Q1.end, ids)
    now, back = national(quarter), national(judged_cohort(quarter))
    col = column or ALL
    for row, key in QUARTER_ROWS.items():
        assert figures[(row, col)] == now[key], row
    for row, key in JUDGED_ROWS.items():
        assert figures[(row, col)] == back[key], row
    assert figures[("national_median_wait_days", col)] == now["median_wait_days"]


def test_every_completion_six_months_back_is_judged_at_quarter_end(completions_six_months_back):
    a, _b = completions_six_months_back
    back = national(judged_cohort(Cohort(Q1.start, Q1.end, Q1.end, [a.pk])))
    assert back["successful_completions"] == 12
    assert back["completions_window_open"] == 0
    assert back["completions_judged"] == 12
    assert back["successful_not_representing"] == 8


def test_the_published_rows_follow_the_small_number_rule(completions_six_months_back, figures):
    doc = build_return(services=list(completions_six_months_back), quarter=Q1)
    columns = [c["key"] for c in doc["columns"]]
    for section in SECTIONS:
        for line in section.lines:
            shown = return_row(doc, line.key)
            if line.kind != "count":
                continue
            for column, value in zip(columns, shown, strict=True):
                raw = figures[(line.key, column)]
                if publish_count(raw) == SUPPRESSED:
                    assert value == SUPPRESSED
                else:
                    assert value in (SUPPRESSED, round_count(raw)), (line.key, column)
    # Twelve completions and eight not re-presenting, rounded to the nearest 5.
    assert return_row(doc, "national_prior_successful_completions") == [10, 0, 10]
    assert return_row(doc, "national_successful_not_representing")[0] == 10


def test_the_cover_sheet_defines_each_in_one_sentence(seeded):
    doc = build_return(services=list(seeded), quarter=Q1)
    defined = {d["measure"]: d["definition"] for d in doc["definitions"]}
    for section in SECTIONS:
        for line in section.lines:
            sentence = defined[line.label]
            assert sentence.endswith(".")
            assert sentence.count(". ") == 0, sentence
    assert "from 1 to 182 days" in defined["Successful completions not re-presenting"]
