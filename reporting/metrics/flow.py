"""Stock and flow figures the quarterly returns need beside the cohort
measures: discharges in the period and people in treatment on its last day."""

from django.db.models import Count, F, Q, QuerySet

from keywork.models import Episode
from reporting.metrics.aggregate import aggregate_by, histogram_by
from reporting.metrics.cohort import Cohort, in_services


def discharged_episodes(cohort: Cohort) -> QuerySet:
    """Episodes (started whenever) that ended in the period, by the as-of date."""
    return Episode.objects.filter(
        in_services(cohort, "referral__service"),
        end_date__gte=cohort.start,
        end_date__lte=cohort.last_day,
    )


def discharges(cohort: Cohort) -> dict:
    """{"discharged", "completed", "not_completed", "by_reason": {code: n}}."""
    return discharges_by(cohort, None)[None]


def discharges_by(cohort: Cohort, by: str | None) -> dict:
    """{group code: discharges figures}: two queries."""
    qs = discharged_episodes(cohort)
    rows = aggregate_by(
        qs,
        {
            "discharged": Count("pk"),
            "completed": Count("pk", filter=Q(discharge_reason__completed=True)),
            "not_completed": Count("pk", filter=Q(discharge_reason__completed=False)),
        },
        by,
    )
    per_reason = histogram_by(qs.annotate(reason=F("discharge_reason_id")), "reason", by)
    for key, row in rows.items():
        row["by_reason"] = dict(sorted(per_reason.get(key, {}).items()))
    return rows


def open_episodes(cohort: Cohort) -> QuerySet:
    """Episodes open on the period's last day (or the as-of date if sooner):
    started by then and not ended by then."""
    return Episode.objects.filter(in_services(cohort, "referral__service")).open_on(cohort.last_day)


def in_treatment(cohort: Cohort) -> dict:
    """{"episodes", "people"} open on the period's last day (by the as-of date)."""
    return in_treatment_by(cohort, None)[None]


def in_treatment_by(cohort: Cohort, by: str | None) -> dict:
    """{group code: in_treatment figures}: one query."""
    return aggregate_by(
        open_episodes(cohort),
        {"episodes": Count("pk"), "people": Count("referral__client", distinct=True)},
        by,
    )
