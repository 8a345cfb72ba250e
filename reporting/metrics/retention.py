"""Retention, early exits and time in treatment, per episode started in the
period (domain.md). An episode that ended after the as-of date counts as
open on it."""

import datetime as dt
import math
import warnings

import numpy as np
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from scipy import stats

from clients.models import Attendance
from keywork.models import Contact
from reporting.metrics.aggregate import aggregate_by
from reporting.metrics.cohort import Cohort, cohort_episodes, group_key, with_group
from reporting.metrics.sql import DaysBetween

ENDED = Q(ended_on__isnull=False)


def _retained(n: int) -> Q:
    return Q(ended_on__isnull=True) | Q(days_in_treatment__gte=n) | Q(ended_completed=True)


def steps(as_of: dt.date) -> dict[str, Q]:
    """Every count retention shows, as a filter over retention_episodes()."""
    out: dict[str, Q] = {"episodes": Q()}
    for n in (30, 90):
        eligible = Q(start_date__lte=as_of - dt.timedelta(days=n))
        out[f"eligible_{n}"] = eligible
        out[f"retained_{n}"] = eligible & _retained(n)
        out[f"not_retained_{n}"] = (
            eligible & ENDED & Q(days_in_treatment__lt=n, ended_completed=False)
        )
        out[f"censored_{n}"] = Q(start_date__gt=as_of - dt.timedelta(days=n))
    # At most one attended contact: no second one. Inline (not an annotated
    # subquery) so that PostgreSQL only looks when the episode has ended.
    second = Contact.objects.filter(
        episode=OuterRef("pk"), attendance=Attendance.ATTENDED, contact_date__lte=as_of
    ).order_by("contact_date", "pk")[1:2]
    # A Q combined with an Exists is a Q at run time; the stubs say Combinable.
    out["early_exit"] = ENDED & (Q(days_in_treatment__lte=7) | ~Exists(second))  # type: ignore[assignment]
    out["ended"] = ENDED
    out["completed"] = ENDED & Q(ended_completed=True)
    out["open_on_as_of"] = Q(ended_on__isnull=True)
    return out


CORE = ("episodes", "eligible_30", "retained_30", "eligible_90", "retained_90", "early_exit")


def retention_episodes(cohort: Cohort) -> QuerySet:
    """The cohort's episodes annotated as they stood on the as-of date:
    ended_on (None while open), ended_completed, days_in_treatment (None
    while open) and days_observed (as-of minus start)."""
    as_of = cohort.as_of
    return cohort_episodes(cohort).annotate(
        ended_on=Case(When(end_date__lte=as_of, then=F("end_date"))),
        ended_completed=Case(
            When(end_date__lte=as_of, discharge_reason__completed=True, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        days_in_treatment=DaysBetween(F("ended_on"), F("start_date")),
        days_observed=DaysBetween(Value(as_of, output_field=DateField()), F("start_date")),
    )


def step_episodes(cohort: Cohort, step: str) -> QuerySet:
    """The episodes behind one retention count (for click-through lists),
    also annotated with attended_contacts by the as-of date."""
    attended = (
        Contact.objects.filter(
            episode=OuterRef("pk"), attendance=Attendance.ATTENDED, contact_date__lte=cohort.as_of
        )
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        retention_episodes(cohort)
        .filter(steps(cohort.as_of)[step])
        .annotate(attended_contacts=Coalesce(Subquery(attended), 0))
    )


def _shape(row: dict, detail: bool) -> dict:
    keys = list(CORE) + ([k for k in row if k not in CORE] if detail else [])
    return {k: row[k] for k in keys}


def retention(cohort: Cohort, *, detail: bool = False) -> dict:
    """episodes, eligible_30, retained_30, eligible_90, retained_90 and
    early_exit (counts). `detail` adds not_retained_N, censored_N (not yet
    N days in on the as-of date), ended, completed and open_on_as_of."""
    return retention_by(cohort, None, detail=detail)[None]


def retention_by(cohort: Cohort, by: str | None, *, detail: bool = False) -> dict:
    """{group code: retention figures} for a breakdown."""
    named = steps(cohort.as_of)
    wanted = named if detail else {k: named[k] for k in CORE}
    aggs = {name: Count("pk", filter=q) for name, q in wanted.items()}
    aggs["episodes"] = Count("pk")
    rows = aggregate_by(retention_episodes(cohort), aggs, by)
    return {key: _shape(row, detail) for key, row in rows.items()}


# --- Kaplan-Meier ---------------------------------------------------------------


def _time_and_event(qs: QuerySet) -> QuerySet:
    # Time in treatment; the event is leaving without completing. Still
    # open on the as-of date: censored then. Completed: censored at its end.
    return qs.annotate(
        km_time=Coalesce(F("days_in_treatment"), F("days_observed")),
        km_event=Case(
            When(ENDED & Q(ended_completed=False), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def survival_by(cohort: Cohort, by: str | None) -> dict:
    """{group code: Kaplan-Meier curve} (see survival()); one query."""
    qs = _time_and_event(retention_episodes(cohort))
    fields = ["km_time", "km_event"]
    if by is not None:
        qs = with_group(qs, by)
        fields.insert(0, "group")
    counts: dict = {}
    for row in qs.values(*fields).annotate(n=Count("pk")).order_by():
        key = None if by is None else group_key(row["group"])
        counts.setdefault(key, []).append((row["km_time"], row["km_event"], row["n"]))
    if by is None:
        counts.setdefault(None, [])
    return {key: kaplan_meier(rows) for key, rows in counts.items()}


def survival(cohort: Cohort) -> dict:
    """Kaplan-Meier estimate of staying in treatment (scipy.stats.ecdf on
    right-censored data) with its 95% confidence band: {"episodes",
    "events", "censored", "median_days", "curve": [{"day", "survival",
    "low", "high", "at_risk", "events", "censored"}]}; the curve starts at
    day 0 with survival 1."""
    return survival_by(cohort, None)[None]


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def kaplan_meier(rows: list[tuple[int, bool, int]]) -> dict:
    """rows: (days, left without completing?, how many)."""
    events = sum(n for _t, e, n in rows if e)
    total = sum(n for _t, _e, n in rows)
    out = {"episodes": total, "events": events, "censored": total - events, "curve": []}
    out["median_days"] = None
    if not total:
        return out
    times = np.array([t for t, _e, _n in rows], dtype=float)
    is_event = np.array([e for _t, e, _n in rows], dtype=bool)
    counts = np.array([n for _t, _e, n in rows], dtype=int)
    data = stats.CensoredData(
        uncensored=np.repeat(times[is_event], counts[is_event]),
        right=np.repeat(times[~is_event], counts[~is_event]),
    )
    with warnings.catch_warnings():
        # Greenwood's band is undefined where survival reaches 0: None.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ecdf(data)
        band = result.sf.confidence_interval(0.95)
    per_day: dict[int, list[int]] = {}
    for t, e, n in rows:
        per_day.setdefault(int(t), [0, 0])[0 if e else 1] += n
    curve: list[dict[str, float | None]] = [
        {
            "day": 0,
            "survival": 1.0,
            "low": 1.0,
            "high": 1.0,
            "at_risk": total,
            "events": 0,
            "censored": 0,
        }
    ]
    for day, s, low, high in zip(
        result.sf.quantiles,
        result.sf.probabilities,
        band.low.probabilities,
        band.high.probabilities,
        strict=True,
    ):
        day = int(day)
        at_risk = sum(n for t, _e, n in rows if t >= day)
        ev, cens = per_day.get(day, [0, 0])
        point = {
            "day": day,
            "survival": _num(s),
            "low": _num(low),
            "high": _num(high),
            "at_risk": at_risk,
            "events": ev,
            "censored": cens,
        }
        if day == 0:
            curve[0] = point
        else:
            curve.append(point)
    out["curve"] = curve
    below = [p["day"] for p in curve if p["survival"] is not None and p["survival"] <= 0.5]
    out["median_days"] = below[0] if below else None
    return out
