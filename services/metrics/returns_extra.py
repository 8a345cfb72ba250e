"""Measures the commissioner returns need beyond the dashboard's: people in
treatment on a day, discharges by reason, and a count per service and group
in one query. Same conventions as the rest of services.metrics: plain
functions over a Cohort, computed in SQL, one query each."""

from django.db.models import Count, Q, QuerySet

from keywork.models import DischargeReason, Episode
from services.metrics.aggregate import aggregate_by
from services.metrics.cohort import Cohort, cohort_referrals, group_key, with_group


def _service_filter(cohort: Cohort, path: str) -> Q:
    if cohort.services is None:
        return Q()
    return Q(**{f"{path}__in": cohort.services})


def episodes_open_on(cohort: Cohort) -> QuerySet:
    """Episodes in treatment on the as-of date: started on or before it and
    not ended on or before it (an episode that ends on the day has left).
    The period plays no part: everyone in treatment that day counts."""
    return Episode.objects.filter(_service_filter(cohort, "referral__service")).open_on(
        cohort.as_of
    )


def in_treatment_by(cohort: Cohort, by: str | None) -> dict[str | None, int]:
    """{group: episodes open on the as-of date}; one query."""
    rows = aggregate_by(episodes_open_on(cohort), {"n": Count("pk")}, by)
    return {key: row["n"] for key, row in rows.items()}


def episodes_ended(cohort: Cohort) -> QuerySet:
    """Episodes that ended in the period, on or before the as-of date,
    whenever they started."""
    return Episode.objects.filter(
        _service_filter(cohort, "referral__service"),
        end_date__gte=cohort.start,
        end_date__lte=cohort.last_day,
    )


def discharges_by(cohort: Cohort, by: str | None) -> dict[str | None, dict]:
    """{group: {"discharges", "completed", "not_completed", "reasons": {code: n}}}
    over episodes that ended in the period; two queries (the reason codes,
    then the counts)."""
    reasons = list(DischargeReason.objects.values_list("code", flat=True))
    aggs = {
        "discharges": Count("pk"),
        "completed": Count("pk", filter=Q(discharge_reason__completed=True)),
    }
    for code in reasons:
        aggs[f"reason:{code}"] = Count("pk", filter=Q(discharge_reason_id=code))
    rows = aggregate_by(episodes_ended(cohort), aggs, by)
    out = {}
    for key, row in rows.items():
        out[key] = {
            "discharges": row["discharges"],
            "completed": row["completed"],
            "not_completed": row["discharges"] - row["completed"],
            "reasons": {code: row[f"reason:{code}"] for code in reasons},
        }
    return out


def referrals_by_service_and(cohort: Cohort, by: str) -> dict[str, dict[str, int]]:
    """{service code: {group: referrals}}: the cohort's referrals (the
    funnel's `referred`) counted per service and breakdown group at once."""
    qs = with_group(cohort_referrals(cohort), by).values("service__code", "group")
    out: dict[str, dict[str, int]] = {}
    for row in qs.annotate(n=Count("pk")).order_by():
        out.setdefault(row["service__code"], {})[group_key(row["group"])] = row["n"]
    return out
