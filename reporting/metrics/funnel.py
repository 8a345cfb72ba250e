"""The pre-treatment funnel, per referral dated in the period (domain.md)."""

from typing import Any

from django.db.models import Case, Count, F, Min, Q, QuerySet, When

from clients.models import Attendance
from reporting.metrics.cohort import Cohort, cohort_referrals, group_key, group_order, with_group
from reporting.metrics.sql import DaysBetween, rows_over

# Waiting-time bins (days) shown on the dashboard: label, lowest, highest.
WAIT_BINS = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-28", 15, 28),
    ("29-56", 29, 56),
    ("57+", 57, None),
)

# Every count the funnel shows, as a filter over funnel_referrals() (for
# the lists behind the counts) and as the same condition in SQL over its
# columns (for the counts): the two are held equal by tests/dashboards.
STEPS: dict[str, tuple[Q, str]] = {
    "referred": (Q(), "TRUE"),
    "assessment_offered": (Q(offers__gt=0), "offers > 0"),
    "assessed": (Q(first_assessed__isnull=False), "first_assessed IS NOT NULL"),
    "started": (Q(started_on__isnull=False), "started_on IS NOT NULL"),
    # The drops between the steps, and who fell out where.
    "not_offered": (Q(offers=0), "offers = 0"),
    "offered_not_assessed": (
        Q(offers__gt=0, first_assessed__isnull=True),
        "offers > 0 AND first_assessed IS NULL",
    ),
    "did_not_attend": (
        Q(offers__gt=0, first_assessed__isnull=True, dnas__gt=0),
        "offers > 0 AND first_assessed IS NULL AND dnas > 0",
    ),
    "assessed_not_started": (
        Q(first_assessed__isnull=False, started_on__isnull=True),
        "first_assessed IS NOT NULL AND started_on IS NULL",
    ),
    # Data quality: treatment recorded without an attended assessment.
    "started_unassessed": (
        Q(first_assessed__isnull=True, started_on__isnull=False),
        "first_assessed IS NULL AND started_on IS NOT NULL",
    ),
}
CORE = ("referred", "assessment_offered", "assessed", "started")


def funnel_referrals(cohort: Cohort, by: str | None = None) -> QuerySet:
    """The cohort's referrals, one row each, with where each stood on the
    as-of date: offers (appointments offered by then), first_assessed (the
    first attended appointment's date), dnas, started_on, and the two waits
    in days (days_to_assessment, days_to_treatment). Joined and grouped, not
    a subquery per referral. With `by`, also its `group`."""
    as_of = cohort.as_of
    qs = cohort_referrals(cohort)
    if by is not None:
        qs = with_group(qs, by)
    return qs.annotate(
        started_on=Case(When(episode__start_date__lte=as_of, then=F("episode__start_date"))),
        offers=Count("appointments", filter=Q(appointments__offered_date__lte=as_of)),
        dnas=Count(
            "appointments",
            filter=Q(
                appointments__attendance=Attendance.DNA, appointments__appointment_date__lte=as_of
            ),
        ),
        first_assessed=Min(
            "appointments__appointment_date",
            filter=Q(
                appointments__attendance=Attendance.ATTENDED,
                appointments__appointment_date__lte=as_of,
            ),
        ),
        days_to_assessment=DaysBetween(F("first_assessed"), F("referral_date")),
        days_to_treatment=DaysBetween(F("started_on"), F("referral_date")),
    )


def step_referrals(cohort: Cohort, step: str) -> QuerySet:
    """The referrals behind one funnel count (for click-through lists)."""
    return funnel_referrals(cohort).filter(STEPS[step][0])


def _aggregates(detail: bool) -> dict[str, str]:
    """SQL aggregates over funnel_referrals()' columns."""
    steps = STEPS if detail else {k: STEPS[k] for k in CORE}
    aggs = {step: f"COUNT(*) FILTER (WHERE {cond})" for step, (_q, cond) in steps.items()}
    aggs["referred"] = "COUNT(*)"
    for wait in ("days_to_assessment", "days_to_treatment"):
        aggs[f"median_{wait}"] = f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {wait})"
        if detail:
            for label, low, high in WAIT_BINS:
                top = f" AND {wait} <= {high}" if high is not None else ""
                aggs[f"{wait}:{label}"] = f"COUNT(*) FILTER (WHERE {wait} >= {low}{top})"
    return aggs


def _shape(row: dict, detail: bool) -> dict:
    out: dict[str, Any] = {step: int(row[step]) for step in CORE}
    for key in ("median_days_to_assessment", "median_days_to_treatment"):
        out[key] = None if row[key] is None else float(row[key])
    if detail:
        for step in STEPS:
            out[step] = int(row[step])
        for wait in ("days_to_assessment", "days_to_treatment"):
            out[f"{wait}_distribution"] = {
                label: row[f"{wait}:{label}"] for label, _low, _high in WAIT_BINS
            }
    return out


def _empty(detail: bool) -> dict:
    row: dict[str, Any] = dict.fromkeys(STEPS, 0)
    row |= {"median_days_to_assessment": None, "median_days_to_treatment": None}
    row |= {
        f"{w}:{label}": 0
        for w in ("days_to_assessment", "days_to_treatment")
        for label, _l, _h in WAIT_BINS
    }
    return _shape(row, detail)


def funnel(cohort: Cohort, *, detail: bool = False) -> dict:
    """referred, assessment_offered, assessed, started and the two median
    waits (days, None when nobody got that far). `detail` adds the drops
    between steps and the wait distributions (WAIT_BINS)."""
    return funnel_by(cohort, None, detail=detail)[None]


def funnel_by(cohort: Cohort, by: str | None, *, detail: bool = False) -> dict:
    """{group code: funnel figures} for a breakdown (see cohort.BREAKDOWNS):
    one query (two for sex and source: their order)."""
    columns = ["days_to_assessment", "days_to_treatment", "offers", "dnas"]
    columns += ["first_assessed", "started_on"] + ([] if by is None else ["group"])
    inner = funnel_referrals(cohort, by).values(*columns)
    rows = rows_over(inner, group=None if by is None else "group", aggregates=_aggregates(detail))
    if by is None:
        if not rows or rows[0]["referred"] == 0:
            return {None: _empty(detail)}
        return {None: _shape(rows[0], detail)}
    found = {group_key(row.pop("g")): row for row in rows}
    return {key: _shape(found[key], detail) for key in group_order(by, found)}


def empty_funnel(*, detail: bool = False) -> dict:
    return _empty(detail)
