"""The return's numbers are the metrics command's numbers, then protected."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from reporting.metrics import discharges, funnel_by, in_treatment
from reporting.metrics.cohort import Cohort
from reporting.metrics.returns_extra import referrals_by_service_and
from reporting.returns.build import ALL, build_return, raw_figures, return_row
from reporting.returns.build import breakdowns as breakdown_rows
from reporting.returns.disclosure import SUPPRESSED, publish_count, round_count
from reporting.returns.layout import build_layout
from reporting.returns.quarters import Quarter
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

Q1 = Quarter(2026, 1)


def metrics_json(start: dt.date, end: dt.date, as_of: dt.date, service: str | None) -> dict:
    out = io.StringIO()
    args = ["--from", start.isoformat(), "--to", end.isoformat(), "--as-of", as_of.isoformat()]
    if service:
        args += ["--service", service]
    call_command("metrics", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def shifted(days: int) -> tuple[dt.date, dt.date, dt.date]:
    delta = dt.timedelta(days=days)
    return Q1.start - delta, Q1.end - delta, Q1.end


@pytest.fixture
def figures(seeded):
    a, b = seeded
    layout = build_layout(breakdown_rows())
    return raw_figures(services=[a, b], quarter=Q1, layout=layout)


@pytest.mark.parametrize("column", ["A", "B", None])
def test_the_raw_figures_agree_with_the_metrics_command(figures, column):
    quarter = metrics_json(Q1.start, Q1.end, Q1.end, column)
    day30 = metrics_json(*shifted(30), column)
    day90 = metrics_json(*shifted(90), column)
    col = column or ALL
    expected = {
        "referred": quarter["funnel"]["referred"],
        "assessment_offered": quarter["funnel"]["assessment_offered"],
        "assessed": quarter["funnel"]["assessed"],
        "started": quarter["funnel"]["started"],
        "median_days_to_assessment": quarter["funnel"]["median_days_to_assessment"],
        "median_days_to_treatment": quarter["funnel"]["median_days_to_treatment"],
        "starts": quarter["retention"]["episodes"],
        "early_exit": quarter["retention"]["early_exit"],
        "eligible_30": day30["retention"]["eligible_30"],
        "retained_30": day30["retention"]["retained_30"],
        "eligible_90": day90["retention"]["eligible_90"],
        "retained_90": day90["retention"]["retained_90"],
        "contacts": quarter["intensity"]["contacts"],
        "median_contact_minutes": quarter["intensity"]["median_contact_minutes"],
        "pairs_30": day30["outcomes"]["day30"]["n_pairs"],
        "crack_days_before_30": day30["outcomes"]["day30"]["baseline_mean_crack_days"],
        "crack_days_after_30": day30["outcomes"]["day30"]["followup_mean_crack_days"],
        "spend_before_30": day30["outcomes"]["day30"]["baseline_mean_monthly_spend"],
        "spend_after_90": day90["outcomes"]["day90"]["followup_mean_monthly_spend"],
        "pairs_90": day90["outcomes"]["day90"]["n_pairs"],
    }
    got = {key: figures[(key, col)] for key in expected}
    assert got == pytest.approx(expected)
    # Every cohort in the return is complete on the quarter's last day.
    assert figures[("eligible_30", col)] == day30["retention"]["episodes"]
    assert figures[("eligible_90", col)] == day90["retention"]["episodes"]
    assert figures[("referred", col)] > 0


def test_each_breakdown_adds_up_to_its_total(figures):
    for column in ("A", "B", ALL):
        for prefix in ("source_group", "sex", "ethnicity", "age_band"):
            parts = [v for (k, c), v in figures.items() if c == column and k.startswith(prefix)]
            assert sum(parts) == figures[("referred", column)], (prefix, column)
        reasons = [v for (k, c), v in figures.items() if c == column and k.startswith("reason:")]
        assert sum(reasons) == figures[("discharges", column)]
        assert (
            figures[("discharges_completed", column)]
            + figures[("discharges_not_completed", column)]
            == figures[("discharges", column)]
        )


def test_people_in_treatment_and_discharges_come_from_the_flow_measures(service_a, db):
    kw = UserFactory(username="kw")

    def episode(start, end=None):
        referral = ReferralFactory(service=service_a, referral_date=start - dt.timedelta(days=3))
        return EpisodeFactory(
            referral=referral,
            start_date=start,
            keyworker=kw,
            end_date=end,
            discharge_reason_id="dropped_out" if end else None,
        )

    episode(dt.date(2025, 6, 1))  # long open: in
    episode(dt.date(2026, 2, 1), dt.date(2026, 3, 31))  # ended on the day: out
    episode(dt.date(2026, 2, 1), dt.date(2026, 4, 2))  # ended after: in
    episode(dt.date(2026, 4, 1))  # started after: out
    figures = raw_figures(services=[service_a], quarter=Q1, layout=build_layout(breakdown_rows()))
    cohort = Cohort(Q1.start, Q1.end, Q1.end, [service_a.pk])
    assert figures[("in_treatment", "A")] == in_treatment(cohort)["people"] == 2
    assert figures[("discharges", "A")] == discharges(cohort)["discharged"] == 1
    assert figures[("reason:dropped_out", "A")] == 1
    assert figures[("discharges_not_completed", ALL)] == 1


def test_referrals_by_service_and_group_add_up_to_the_funnel(seeded):
    cohort = Cohort(Q1.start, Q1.end, Q1.end, [s.pk for s in seeded])
    funnel = funnel_by(cohort, "service")
    for by in ("source_group", "sex", "ethnicity", "age_band"):
        counts = referrals_by_service_and(cohort, by)
        for code in ("A", "B"):
            assert sum(counts[code].values()) == funnel[code]["referred"]
        per_group = funnel_by(cohort, by)
        for group, row in per_group.items():
            assert sum(c.get(group, 0) for c in counts.values()) == row["referred"]


def test_published_counts_follow_the_rule_or_are_hidden(seeded, figures):
    doc = build_return(services=list(seeded), quarter=Q1)
    columns = [c["key"] for c in doc["columns"]]
    layout = build_layout(breakdown_rows())
    for key, line in layout.lines.items():
        if line.kind != "count":
            continue
        for column, shown in zip(columns, return_row(doc, key), strict=True):
            raw = figures[(key, column)]
            if publish_count(raw) == SUPPRESSED:
                assert shown == SUPPRESSED
            else:
                assert shown in (SUPPRESSED, round_count(raw)), (key, column, raw, shown)


def test_the_small_service_is_hidden_and_so_is_the_other_of_two(seeded):
    doc = build_return(services=list(seeded), quarter=Q1)
    # B's 5 are hidden; A's 20 too, or the total of 25 less A would give B.
    assert return_row(doc, "referred") == [SUPPRESSED, SUPPRESSED, 25]
    # The breakdown of B's five referrals shows nothing but zeros and stars.
    for sheet in doc["sheets"]:
        for section in sheet["sections"]:
            for row in section["rows"]:
                if row["kind"] == "count":
                    assert row["values"][1] in (0, SUPPRESSED), row


def test_the_document_names_its_quarter_services_and_rule(seeded):
    doc = build_return(services=list(seeded), quarter=Q1, commissioner="Dora Commissioner")
    assert doc["quarter"] == "2026Q1"
    assert doc["as_of"] == "2026-03-31"
    assert [c["label"] for c in doc["columns"]] == ["Service A", "Service B", "All services"]
    assert "1 to 7" in doc["policy"]["text"]
    assert [s["title"] for s in doc["sheets"]] == ["Measures by service", "Breakdowns"]
    json.dumps(doc)  # storable as it is


def test_a_return_runs_a_fixed_number_of_queries_whatever_the_services(
    seeded, django_assert_max_num_queries
):
    # funnel 2, retention 6, in treatment 1, discharges 2, intensity 4,
    # outcomes 8, TOP 4 (two cohorts, two each), breakdowns 4, code lists 5,
    # national 3 (by service and all services' median for the quarter, by
    # service six months back).
    with django_assert_max_num_queries(41):
        build_return(services=list(seeded), quarter=Q1)
