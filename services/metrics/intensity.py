"""Keywork intensity over attended keywork contacts in episodes started in
the period, dated by the as-of date (domain.md)."""

from django.db.models import Count, F, Max, Min, Q, QuerySet

from clients.models import Attendance
from keywork.models import ContactType
from services.metrics.aggregate import aggregate_by
from services.metrics.cohort import Cohort, cohort_contacts, group_key, with_group
from services.metrics.sql import DaysBetween, Median, rows_over

CORE = (
    "contacts",
    "mean_contact_interval_days",
    "median_contact_minutes",
    "share_first_10_days",
    "share_first_30_days",
)


def keywork_contacts(cohort: Cohort) -> QuerySet:
    """Attended keywork contacts counted by intensity, with days_since_start."""
    return (
        cohort_contacts(cohort)
        .filter(contact_type=ContactType.KEYWORK, attendance=Attendance.ATTENDED)
        .annotate(days_since_start=DaysBetween(F("contact_date"), F("episode__start_date")))
    )


def intensity(cohort: Cohort, *, detail: bool = False) -> dict:
    """contacts; mean_contact_interval_days (pooled over every gap between
    consecutive contacts of an episode); median_contact_minutes;
    share_first_10_days and share_first_30_days (of contacts, 0 to 1).
    None where there is nothing to average. `detail` adds episodes (with at
    least one such contact), gaps, first_10_days and first_30_days."""
    return intensity_by(cohort, None, detail=detail)[None]


def intensity_by(cohort: Cohort, by: str | None, *, detail: bool = False) -> dict:
    """{group code: intensity figures} for a breakdown: two queries."""
    contacts = keywork_contacts(cohort)
    rows = aggregate_by(
        contacts,
        {
            "contacts": Count("pk"),
            "median_contact_minutes": Median("duration_minutes"),
            "first_10_days": Count("pk", filter=Q(days_since_start__lt=10)),
            "first_30_days": Count("pk", filter=Q(days_since_start__lt=30)),
        },
        by,
    )
    # Gaps pooled over episodes: the sum of each episode's last minus first
    # date over the number of gaps equals the mean of consecutive gaps.
    per_episode = contacts if by is None else with_group(contacts, by)
    fields = ["episode_id"] if by is None else ["episode_id", "group"]
    per_episode = (
        per_episode.values(*fields)
        .annotate(span=DaysBetween(Max("contact_date"), Min("contact_date")), n=Count("pk"))
        .order_by()
    )
    spans = {
        (None if by is None else group_key(r["g"])): r
        for r in rows_over(
            per_episode,
            group=None if by is None else "group",
            aggregates={"episodes": "COUNT(*)", "spans": "SUM(span)", "gaps": "SUM(n - 1)"},
        )
    }
    out = {}
    for key, row in rows.items():
        span = spans.get(key, {"episodes": 0, "spans": None, "gaps": 0})
        out[key] = _shape(row, span, detail)
    return out


def _shape(row: dict, span: dict, detail: bool) -> dict:
    n = row["contacts"]
    gaps = int(span["gaps"] or 0)
    figures = {
        "contacts": n,
        "mean_contact_interval_days": float(span["spans"]) / gaps if gaps else None,
        "median_contact_minutes": None
        if row["median_contact_minutes"] is None
        else float(row["median_contact_minutes"]),
        "share_first_10_days": row["first_10_days"] / n if n else None,
        "share_first_30_days": row["first_30_days"] / n if n else None,
    }
    if detail:
        figures |= {
            "episodes": int(span["episodes"] or 0),
            "gaps": gaps,
            "first_10_days": row["first_10_days"],
            "first_30_days": row["first_30_days"],
        }
    return figures
