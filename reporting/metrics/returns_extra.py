"""A count the commissioner returns need beyond the dashboard's: referrals
per service and breakdown group in one query (the funnel's `referred`,
split two ways). Same conventions as the rest of reporting.metrics."""

from django.db.models import Count

from reporting.metrics.cohort import Cohort, cohort_referrals, group_key, with_group


def referrals_by_service_and(cohort: Cohort, by: str) -> dict[str, dict[str, int]]:
    """{service code: {group: referrals}}: the cohort's referrals counted
    per service and breakdown group at once; one query."""
    qs = with_group(cohort_referrals(cohort), by).values("service__code", "group")
    out: dict[str, dict[str, int]] = {}
    for row in qs.annotate(n=Count("pk")).order_by():
        out.setdefault(row["service__code"], {})[group_key(row["group"])] = row["n"]
    return out
