"""Keywork intensity over attended keywork contacts in episodes started in
the period, dated by the as-of date (domain.md)."""

from django.db.models import F, QuerySet

from clients.models import Attendance
from keywork.models import ContactType
from reporting.metrics.cohort import Cohort, cohort_contacts, group_key, group_order, with_group
from reporting.metrics.sql import DaysBetween, rows_from

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


# One pass over the contacts (materialised), aggregated per contact and per
# episode. The pooled mean gap is the sum of each episode's last-minus-first
# date over the number of gaps: the mean of the gaps between consecutive
# contacts, without sorting every contact.
_INTENSITY_SQL = """
WITH k AS MATERIALIZED ({{inner}}),
per_contact AS (
    SELECT {group} AS g,
           COUNT(*) AS contacts,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_minutes) AS median_minutes,
           COUNT(*) FILTER (WHERE days_since_start < 10) AS first_10_days,
           COUNT(*) FILTER (WHERE days_since_start < 30) AS first_30_days
    FROM k GROUP BY 1
),
per_episode AS (
    SELECT g, SUM(span) AS spans, SUM(n - 1) AS gaps, COUNT(*) AS episodes
    FROM (
        SELECT {group} AS g, MAX(contact_date) - MIN(contact_date) AS span, COUNT(*) AS n
        FROM k GROUP BY 1, episode_id
    ) e
    GROUP BY g
)
SELECT c.*, e.spans, e.gaps, e.episodes
FROM per_contact c JOIN per_episode e ON e.g IS NOT DISTINCT FROM c.g
"""


def intensity_by(cohort: Cohort, by: str | None, *, detail: bool = False) -> dict:
    """{group code: intensity figures} for a breakdown: one query, one pass
    over the contacts."""
    contacts = keywork_contacts(cohort)
    fields = ["episode_id", "contact_date", "duration_minutes", "days_since_start"]
    if by is not None:
        contacts = with_group(contacts, by)
        fields.append("group")
    template = _INTENSITY_SQL.format(group="0" if by is None else 'k."group"')
    rows = rows_from(contacts.values(*fields), template)
    if by is None:
        row = rows[0] if rows else _NONE
        return {None: _shape(row, detail)}
    found = {group_key(row.pop("g")): row for row in rows}
    return {key: _shape(found[key], detail) for key in group_order(by, found)}


_NONE = {
    "contacts": 0,
    "median_minutes": None,
    "first_10_days": 0,
    "first_30_days": 0,
    "spans": None,
    "gaps": 0,
    "episodes": 0,
}


def _shape(row: dict, detail: bool) -> dict:
    n = int(row["contacts"])
    minutes = row["median_minutes"]
    gaps = int(row["gaps"] or 0)
    figures = {
        "contacts": n,
        "mean_contact_interval_days": float(row["spans"]) / gaps if gaps else None,
        "median_contact_minutes": None if minutes is None else float(minutes),
        "share_first_10_days": row["first_10_days"] / n if n else None,
        "share_first_30_days": row["first_30_days"] / n if n else None,
    }
    if detail:
        figures |= {
            "episodes": int(row["episodes"] or 0),
            "gaps": gaps,
            "first_10_days": int(row["first_10_days"]),
            "first_30_days": int(row["first_30_days"]),
        }
    return figures
