"""The national measures in the quarterly return (docs/metrics.md, "National
measures"): their rows, one-sentence definitions for the cover sheet, and
the figures per service from reporting.metrics.

The return is as of the quarter's last day, so none of the quarter's own
completions has had its six months: "not re-presenting" is reported for
the same three months moved back 182 days, whose every completion can be
judged on the quarter's last day (as retention at day 30 and 90 is reported
for the episodes whose 30th or 90th day fell in the quarter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reporting.metrics.cohort import Cohort
from reporting.metrics.national import REPRESENT_DAYS, national, national_by
from reporting.returns.layout import Line, Section

P = "national_"


def _count(key: str, label: str, definition: str) -> Line:
    return Line(P + key, label, unit="episodes", definition=definition)


def _pct(key: str, label: str, numerator: str, base: str, definition: str) -> Line:
    return Line(
        P + key,
        label,
        "percent",
        "%",
        base=P + base,
        numerator=P + numerator,
        definition=definition,
    )


NATIONAL = Section(
    "National measures (structured treatment, Tier 3 and 4)",
    (
        _count(
            "in_treatment",
            "In structured treatment during the quarter",
            "Tier 3 and 4 episodes open on any day of the quarter.",
        ),
        _count(
            "exits",
            "Exits from structured treatment",
            "Of those, episodes that ended in the quarter.",
        ),
        _count(
            "successful_completions",
            "Successful completions",
            "Exits with a completed reason (drug free or occasional user).",
        ),
        _pct(
            "successful_pct",
            "Successful completions, % of those in treatment",
            "successful_completions",
            "in_treatment",
            "Successful completions as a percentage of those in structured treatment.",
        ),
        _count(
            "effective_eligible",
            "Could be judged for effective treatment",
            "Episodes in treatment that had started at least 84 days before quarter end, or "
            "had completed.",
        ),
        _count(
            "effective_treatment",
            "Effective treatment",
            "Of those, episodes retained for 84 days (12 weeks) or more, or completed.",
        ),
        _pct(
            "effective_pct",
            "Effective treatment, %",
            "effective_treatment",
            "effective_eligible",
            "Effective treatment as a percentage of those who could be judged.",
        ),
        _count(
            "early_unplanned_exits",
            "Early unplanned exits",
            "Exits in the quarter that were dropped out, withdrawn by the provider or declined "
            "by the client, within 84 days of starting.",
        ),
        _pct(
            "early_unplanned_pct",
            "Early unplanned exits, % of those in treatment",
            "early_unplanned_exits",
            "in_treatment",
            "Early unplanned exits as a percentage of those in structured treatment.",
        ),
        _count(
            "episodes_started",
            "Started structured treatment",
            "Tier 3 and 4 episodes that started in the quarter.",
        ),
        Line(
            P + "median_wait_days",
            "Median days from referral to structured treatment",
            "stat",
            "days",
            base=P + "episodes_started",
            definition="Half of those who started waited this many days or fewer from referral.",
        ),
        _count(
            "waited_over_21_days",
            "Waited more than three weeks",
            "Of those who started, how many waited more than 21 days from referral.",
        ),
        _pct(
            "waited_over_21_pct",
            "Waited more than three weeks, %",
            "waited_over_21_days",
            "episodes_started",
            "Waits over 21 days as a percentage of those who started.",
        ),
    ),
)

JUDGED = Section(
    "Successful completion without re-presentation (the quarter moved back six months)",
    (
        _count(
            "prior_in_treatment",
            "In structured treatment, six months earlier",
            f"Tier 3 and 4 episodes open on any day of the quarter moved back {REPRESENT_DAYS} "
            "days, so that every completion in it can be judged at quarter end.",
        ),
        _count(
            "prior_successful_completions",
            "Successful completions, six months earlier",
            "Of those, exits with a completed reason in that moved-back period.",
        ),
        _count(
            "successful_not_representing",
            "Successful completions not re-presenting",
            "Of those completions, the ones whose client had no new referral to any service "
            f"from 1 to {REPRESENT_DAYS} days (six months) after the end of treatment.",
        ),
        _pct(
            "not_representing_pct",
            "Not re-presenting, % of those in treatment",
            "successful_not_representing",
            "prior_in_treatment",
            "Successful completions not re-presenting as a percentage of those in structured "
            "treatment in the moved-back period: the public-health outcome measure.",
        ),
    ),
)

SECTIONS = (NATIONAL, JUDGED)

_QUARTER_KEYS = (
    "in_treatment",
    "exits",
    "successful_completions",
    "effective_eligible",
    "effective_treatment",
    "early_unplanned_exits",
    "episodes_started",
    "waited_over_21_days",
)
_JUDGED_KEYS = {
    "prior_in_treatment": "in_treatment",
    "prior_successful_completions": "successful_completions",
    "successful_not_representing": "successful_not_representing",
}


def judged_cohort(quarter: Cohort) -> Cohort:
    """The quarter moved back 182 days, as of the quarter's last day."""
    back = dt.timedelta(days=REPRESENT_DAYS)
    return Cohort(quarter.start - back, quarter.end - back, quarter.as_of, quarter.services)


def put_national(values: dict, codes: Sequence[str], quarter: Cohort, all_key: str) -> None:
    """Write the national rows' raw figures per service (and the median for
    all services: counts for all services are summed by the caller); three
    queries."""
    by = national_by(quarter, "service")
    empty: dict = {}
    for code in codes:
        row = by.get(code, empty)
        for key in _QUARTER_KEYS:
            values[(P + key, code)] = row.get(key, 0)
        values[(P + "median_wait_days", code)] = row.get("median_wait_days")
    values[(P + "median_wait_days", all_key)] = national(quarter)["median_wait_days"]
    judged = judged_cohort(quarter)
    prior = national_by(judged, "service")
    for code in codes:
        row = prior.get(code, empty)
        for line, key in _JUDGED_KEYS.items():
            values[(P + line, code)] = row.get(key, 0)
