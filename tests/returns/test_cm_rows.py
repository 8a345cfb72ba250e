"""Contingency management in the quarterly return: the command's cm figures,
then the small-number rule."""

import datetime as dt

import pytest

from contingency.models import CMPlan, DrugTest, VoucherIssue
from reporting.returns.build import ALL, build_return, raw_figures, return_row
from reporting.returns.build import breakdowns as breakdown_rows
from reporting.returns.disclosure import SUPPRESSED
from reporting.returns.layout import build_layout
from reporting.returns.quarters import Quarter
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

Q1 = Quarter(2026, 1)


def add_plans(service, keyworker, n: int, results: list[str]) -> None:
    for i in range(n):
        start = dt.date(2026, 1, 5) + dt.timedelta(days=i)
        referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=3))
        episode = EpisodeFactory(referral=referral, keyworker=keyworker, start_date=start, tier=3)
        plan = CMPlan.objects.create(
            episode=episode, start_date=start, voucher_base=2, voucher_step=1, voucher_max=10
        )
        for j, result in enumerate(results):
            day = start + dt.timedelta(days=2 * j)
            DrugTest.objects.create(
                plan=plan,
                scheduled_date=day,
                tested_date=day if result else None,
                sample="urine" if result else "",
                result=result,
            )
        VoucherIssue.objects.create(plan=plan, issued_date=start + dt.timedelta(days=10), amount=3)


def test_the_return_carries_the_cm_figures_of_the_command(service_a, service_b, alice, charlie):
    add_plans(service_a, alice, 12, ["negative", "negative", "", "negative"])
    add_plans(service_b, charlie, 9, ["negative"])
    layout = build_layout(breakdown_rows())
    raw = raw_figures(services=[service_a, service_b], quarter=Q1, layout=layout)
    assert raw[("cm_plans", "A")] == 12
    assert raw[("cm_tests_scheduled", "A")] == 48
    assert raw[("cm_tests_negative", "A")] == 36
    assert raw[("cm_tests_missed", "A")] == 12
    assert raw[("cm_tests_done", "A")] == 48
    assert raw[("cm_median_longest_run", "A")] == 2.0
    assert raw[("cm_earned", "A")] == 12 * (2 + 3 + 2)
    assert raw[("cm_issued", ALL)] == 21 * 3

    doc = build_return(services=[service_a, service_b], quarter=Q1)
    columns = [c["key"] for c in doc["columns"]]
    plans = dict(zip(columns, return_row(doc, "cm_plans"), strict=True))
    assert (plans["A"], plans["B"], plans[ALL]) == (10, 10, 20)  # rounded to 5
    run = dict(zip(columns, return_row(doc, "cm_median_longest_run"), strict=True))
    assert (run["A"], run["B"]) == (2.0, 1.0)
    share = dict(zip(columns, return_row(doc, "cm_share_negative"), strict=True))
    assert share["A"] == 70.0  # from the rounded counts: 35 negative of 50 done (36 of 48)


def test_a_handful_of_plans_is_hidden(service_a, service_b, alice):
    add_plans(service_a, alice, 3, ["negative", "positive"])
    doc = build_return(services=[service_a, service_b], quarter=Q1)
    columns = [c["key"] for c in doc["columns"]]
    for key in ("cm_plans", "cm_median_longest_run", "cm_earned", "cm_issued"):
        row = dict(zip(columns, return_row(doc, key), strict=True))
        assert row["A"] == SUPPRESSED, key
