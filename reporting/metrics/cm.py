"""Contingency management measures (domain.md, "Contingency management
(CM)"), for plans whose start_date is in the period, as of T:

- plans;
- tests_scheduled: tests scheduled on or before T, pending ones included;
- tests_negative, tests_missed: by status as of T (contingency.vouchers:
  a result dated after T is not known yet; no result by T is missed when
  scheduled before T, else pending);
- share_negative: negatives over scheduled tests that are not pending
  (None when there are none);
- median_longest_run: the median over plans of each plan's longest run of
  consecutive negatives as of T (None when there is no plan);
- earned, issued: vouchers earned by T and issued by T, GBP, summed.

A run is sequential, so the figures are computed in Python from the plans'
test rows (two narrow queries: tests, then vouchers summed per plan).
Choice where domain.md is silent: a plan starting after T is not counted
(the as-of rule of every other measure), and the period is the plan's
start date, whatever the episode's."""

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from contingency import vouchers
from contingency.models import CMPlan, DrugTest, VoucherIssue
from reporting.metrics.cohort import Cohort, in_services

KEYS = (
    "plans",
    "tests_scheduled",
    "tests_negative",
    "tests_missed",
    "share_negative",
    "median_longest_run",
    "earned",
    "issued",
)
WEEKS = 12


@dataclass
class _Test:
    scheduled_date: dt.date
    tested_date: dt.date | None
    result: str


def cohort_plans(cohort: Cohort):
    return CMPlan.objects.filter(
        in_services(cohort, "episode__referral__service"),
        start_date__gte=cohort.start,
        start_date__lte=cohort.last_day,
    )


def _priced_plans(cohort: Cohort) -> list[tuple[dict, list[vouchers.Priced]]]:
    plans = {
        p["pk"]: p
        for p in cohort_plans(cohort).values(
            "pk", "start_date", "voucher_base", "voucher_step", "voucher_max"
        )
    }
    tests: dict[int, list[_Test]] = {pk: [] for pk in plans}
    rows = DrugTest.objects.filter(plan_id__in=list(plans), scheduled_date__lte=cohort.as_of)
    for plan_id, scheduled, tested, result in rows.values_list(
        "plan_id", "scheduled_date", "tested_date", "result"
    ):
        tests[plan_id].append(_Test(scheduled, tested, result))
    out = []
    for pk, plan in plans.items():
        schedule = vouchers.Schedule(
            plan["voucher_base"], plan["voucher_step"], plan["voucher_max"]
        )
        out.append((plan, vouchers.price(tests[pk], schedule, cohort.as_of)))
    return out


def _money(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01")))


def cm(cohort: Cohort, detail: bool = False) -> dict:
    """The command's `cm` object; `detail=True` adds tests_done (scheduled
    tests that are not pending: the base of share_negative)."""
    priced_plans = _priced_plans(cohort)
    scheduled = negative = missed = done = 0
    earned = vouchers.ZERO
    longest = []
    for _plan, priced in priced_plans:
        for p in priced:
            scheduled += 1
            if p.status != vouchers.PENDING:
                done += 1
            if p.status == vouchers.NEGATIVE:
                negative += 1
            elif p.status == vouchers.MISSED:
                missed += 1
        earned += vouchers.earned(priced)
        longest.append(vouchers.longest_run(priced))
    issued = VoucherIssue.objects.filter(
        plan__in=cohort_plans(cohort), issued_date__lte=cohort.as_of
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    figures = {
        "plans": len(priced_plans),
        "tests_scheduled": scheduled,
        "tests_negative": negative,
        "tests_missed": missed,
        "share_negative": negative / done if done else None,
        "median_longest_run": float(statistics.median(longest)) if longest else None,
        "earned": _money(earned),
        "issued": _money(issued),
    }
    if detail:
        figures["tests_done"] = done
    return figures


def cm_by_week(cohort: Cohort) -> list[dict]:
    """Share negative by week of plan (1 to 12) across the plans: for each
    week, the tests done by T (not pending) and how many were negative."""
    done = [0] * WEEKS
    negative = [0] * WEEKS
    for plan, priced in _priced_plans(cohort):
        for p in priced:
            week = (p.test.scheduled_date - plan["start_date"]).days // 7
            if week >= WEEKS or p.status == vouchers.PENDING:
                continue
            done[week] += 1
            negative[week] += p.status == vouchers.NEGATIVE
    return [
        {
            "week": w + 1,
            "tests": done[w],
            "negative": negative[w],
            "share_negative": negative[w] / done[w] if done[w] else None,
        }
        for w in range(WEEKS)
    ]
