"""The pre-treatment funnel, per referral dated in the period (domain.md)."""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from clients.models import Appointment, Attendance
from services.metrics.aggregate import aggregate_by
from services.metrics.cohort import Cohort, cohort_referrals
from services.metrics.sql import DaysBetween, Median

# Waiting-time bins (days) shown on the dashboard: label, lowest, highest.
WAIT_BINS = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-28", 15, 28),
    ("29-56", 29, 56),
    ("57+", 57, None),
)

# Every count the funnel shows, as a filter over funnel_referrals(): the
# counts and the lists behind them come from the same definitions.
STEPS: dict[str, Q] = {
    "referred": Q(),
    "assessment_offered": Q(offered=True),
    "assessed": Q(first_assessed__isnull=False),
    "started": Q(started_on__isnull=False),
    # The drops between the steps, and who fell out where.
    "not_offered": Q(offered=False),
    "offered_not_assessed": Q(offered=True, first_assessed__isnull=True),
    "did_not_attend": Q(offered=True, first_assessed__isnull=True, dna=True),
    "assessed_not_started": Q(first_assessed__isnull=False, started_on__isnull=True),
    # Data quality: treatment recorded without an attended assessment.
    "started_unassessed": Q(first_assessed__isnull=True, started_on__isnull=False),
}
CORE = ("referred", "assessment_offered", "assessed", "started")


def funnel_referrals(cohort: Cohort) -> QuerySet:
    """The cohort's referrals, annotated with where each stood on the as-of
    date: offered, first_assessed (date), started_on (date), dna, and the
    two waits in days."""
    as_of = cohort.as_of
    appointments = Appointment.objects.filter(referral=OuterRef("pk"))
    first_attended = (
        appointments.filter(attendance=Attendance.ATTENDED, appointment_date__lte=as_of)
        .order_by()
        .values("referral")
        .annotate(first=Min("appointment_date"))
        .values("first")
    )
    return cohort_referrals(cohort).annotate(
        offered=Exists(appointments.filter(offered_date__lte=as_of)),
        dna=Exists(appointments.filter(attendance=Attendance.DNA, appointment_date__lte=as_of)),
        first_assessed=Subquery(first_attended),
        started_on=Case(When(episode__start_date__lte=as_of, then=F("episode__start_date"))),
        days_to_assessment=DaysBetween(F("first_assessed"), F("referral_date")),
        days_to_treatment=DaysBetween(F("started_on"), F("referral_date")),
    )


def step_referrals(cohort: Cohort, step: str) -> QuerySet:
    """The referrals behind one funnel count (for click-through lists)."""
    return funnel_referrals(cohort).filter(STEPS[step])


def _aggregates(detail: bool) -> dict:
    aggs = {step: Count("pk", filter=STEPS[step]) for step in (STEPS if detail else CORE)}
    aggs["referred"] = Count("pk")
    aggs["median_days_to_assessment"] = Median("days_to_assessment")
    aggs["median_days_to_treatment"] = Median("days_to_treatment")
    if detail:
        for label, low, high in WAIT_BINS:
            for wait in ("days_to_assessment", "days_to_treatment"):
                cond = Q(**{f"{wait}__gte": low})
                if high is not None:
                    cond &= Q(**{f"{wait}__lte": high})
                aggs[f"{wait}:{label}"] = Count("pk", filter=cond)
    return aggs


def _shape(row: dict, detail: bool) -> dict:
    out = {step: row[step] for step in CORE}
    for key in ("median_days_to_assessment", "median_days_to_treatment"):
        out[key] = None if row[key] is None else float(row[key])
    if detail:
        for step in STEPS:
            out[step] = row[step]
        for wait in ("days_to_assessment", "days_to_treatment"):
            out[f"{wait}_distribution"] = {
                label: row[f"{wait}:{label}"] for label, _low, _high in WAIT_BINS
            }
    return out


def _empty(detail: bool) -> dict:
    row = dict.fromkeys(STEPS, 0)
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
    """{group code: funnel figures} for a breakdown (see cohort.BREAKDOWNS)."""
    rows = aggregate_by(funnel_referrals(cohort), _aggregates(detail), by)
    if by is None and rows[None]["referred"] == 0:
        return {None: _empty(detail)}
    return {key: _shape(row, detail) for key, row in rows.items()}


def empty_funnel(*, detail: bool = False) -> dict:
    return _empty(detail)
