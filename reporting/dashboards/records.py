"""The records behind a dashboard count: which referrals or episodes, from
the same querysets the figures were counted over (reporting.metrics)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from reporting.dashboards.forms import PeriodForm
from reporting.dashboards.quarters import Quarter
from reporting.metrics import BREAKDOWNS, FUNNEL_STEPS, Cohort, step_episodes, step_referrals
from reporting.metrics.caseload import FLAGS, NO_CONTACT_DAYS, caseload_episodes, flagged
from reporting.metrics.cohort import UNKNOWN, with_group
from reporting.metrics.retention import steps as retention_steps
from services.models import Service

TITLES = {
    "funnel:referred": "Referred",
    "funnel:assessment_offered": "Offered an assessment",
    "funnel:assessed": "Assessed",
    "funnel:started": "Started treatment",
    "funnel:not_offered": "Never offered an assessment",
    "funnel:offered_not_assessed": "Offered an assessment but not assessed",
    "funnel:did_not_attend": "Did not attend an assessment and were never assessed",
    "funnel:assessed_not_started": "Assessed but did not start treatment",
    "funnel:started_unassessed": "Started treatment without an attended assessment",
    "retention:episodes": "Episodes started",
    "retention:eligible_30": "Started at least 30 days before the as-of date",
    "retention:retained_30": "Retained at day 30",
    "retention:not_retained_30": "Left before day 30 without completing",
    "retention:censored_30": "Not yet 30 days in treatment on the as-of date",
    "retention:eligible_90": "Started at least 90 days before the as-of date",
    "retention:retained_90": "Retained at day 90",
    "retention:not_retained_90": "Left before day 90 without completing",
    "retention:censored_90": "Not yet 90 days in treatment on the as-of date",
    "retention:early_exit": "Early exits (7 days or fewer, or one attended contact)",
    "retention:ended": "Ended by the as-of date",
    "retention:completed": "Completed by the as-of date",
    "retention:open_on_as_of": "Open on the as-of date",
    "caseload:open": "Open episodes",
    "caseload:no_recent_contact": f"No attended contact for {NO_CONTACT_DAYS} days or more",
    "caseload:overdue_form": "Day-30 or day-90 keyworker form overdue",
    "caseload:due_form": "Day-30 or day-90 keyworker form due now",
}


@dataclass(frozen=True)
class RecordsRequest:
    measure: str
    quarter: Quarter | None = None
    as_of: dt.date | None = None
    by: str | None = None
    group: str | None = None
    keyworker: str | None = None
    error: str = ""

    @classmethod
    def parse(cls, data, *, today: dt.date) -> "RecordsRequest":
        """Unknown measures and breakdowns answer 404; a bad period, 400."""
        measure = data.get("measure", "")
        if measure not in TITLES:
            raise Http404("No such measure")
        by = data.get("by") or None
        if by is not None and by not in BREAKDOWNS:
            raise Http404("No such breakdown")
        common = {
            "measure": measure,
            "by": by,
            "group": data.get("group") if by else None,
            "keyworker": data.get("keyworker") or None,
        }
        if measure.startswith("caseload:"):
            return cls(**common, as_of=today)
        form = PeriodForm(data, today=today)
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            return cls(**common, error=f"Choose a quarter and an as-of date: {errors}")
        return cls(**common, quarter=form.cleaned_data["period"], as_of=form.cleaned_data["as_of"])

    @property
    def kind(self) -> str:
        return self.measure.partition(":")[0]

    @property
    def step(self) -> str:
        return self.measure.partition(":")[2]


@dataclass(frozen=True)
class Listing:
    title: str
    kind: str  # "referrals" or "episodes"
    queryset: QuerySet


def _in_group(qs: QuerySet, by: str | None, group: str | None) -> QuerySet:
    if by is None:
        return qs
    qs = with_group(qs, by)
    return qs.filter(group__isnull=True) if group == UNKNOWN else qs.filter(group=group)


def records_for(service: Service, wanted: RecordsRequest) -> Listing:
    title = TITLES[wanted.measure]
    # parse() gives every request an as-of date, and a quarter to all but
    # the caseload's; the view answers 400 before one without gets here.
    assert wanted.as_of is not None
    if wanted.kind == "caseload":
        qs = flagged(caseload_episodes([service.pk], wanted.as_of), wanted.step)
        if wanted.keyworker:
            qs = qs.filter(keyworker__username=wanted.keyworker)
        qs = qs.select_related("referral__client", "referral__source", "keyworker").order_by(
            "-days_since_contact", "pk"
        )
        return Listing(title, "caseload", qs)
    assert wanted.quarter is not None
    cohort = Cohort(wanted.quarter.start, wanted.quarter.end, wanted.as_of, [service.pk])
    if wanted.kind == "funnel":
        assert wanted.step in FUNNEL_STEPS
        qs = step_referrals(cohort, wanted.step).select_related("client", "source", "episode")
        qs = _in_group(qs, wanted.by, wanted.group).order_by("referral_date", "pk")
        return Listing(title, "referrals", qs)
    assert wanted.step in retention_steps(wanted.as_of)
    qs = step_episodes(cohort, wanted.step).select_related(
        "referral__client", "referral__source", "keyworker", "discharge_reason"
    )
    qs = _in_group(qs, wanted.by, wanted.group).order_by("start_date", "pk")
    return Listing(title, "episodes", qs)


__all__ = ["FLAGS", "Listing", "RecordsRequest", "records_for"]
