"""The Treatment Outcomes Profile in the quarterly return: its rows and
their raw figures, protected by the same small-number rule as the rest
(disclosure.protect). Figures come from reporting.metrics.top.

Which episodes: start TOPs on time are over the episodes that started in
the quarter (as the other starts); change at review is over the episodes
that started 26 weeks before the quarter, whose six-month review fell due
in it, so each pair can be judged by quarter end (as day 30 and day 90)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reporting.dashboards.top_presenters import SCORE_LABELS, SUBSTANCE_LABELS
from reporting.metrics.cohort import Cohort
from reporting.metrics.top import _figures, top_by_service
from reporting.returns.layout import Line, Section

REVIEW_SHIFT_DAYS = 182


def _pct(key: str, label: str, numerator: str, base: str, definition: str) -> Line:
    return Line(key, label, "percent", "%", base=base, numerator=numerator, definition=definition)


def _lines() -> tuple[Line, ...]:
    lines = [
        Line(
            "top_start_due",
            "Start TOPs due",
            unit="episodes",
            definition="Tier 3 and 4 episodes that started in the quarter, 14 days or more "
            "before quarter end.",
        ),
        Line(
            "top_start_on_time",
            "Start TOPs on time",
            unit="episodes",
            definition="Of those, with a start TOP dated within 14 days either side of the start.",
        ),
        _pct(
            "top_start_on_time_pct",
            "Start TOPs on time, %",
            "top_start_on_time",
            "top_start_due",
            "Start TOPs on time as a percentage of those due.",
        ),
        Line(
            "top_pairs",
            "Clients with a start and a six-month review TOP",
            unit="people",
            definition="Tier 3 and 4 episodes that started 26 weeks before the quarter, with a "
            "start TOP and a review TOP 22 to 30 weeks after it, by quarter end.",
        ),
    ]
    for name, label in SUBSTANCE_LABELS.items():
        using = f"top_using_{name}"
        lines += [
            Line(
                using,
                f"{label}: using at start",
                unit="people",
                definition=f"Of those pairs, {label.lower()} used on at least one of the 28 "
                "days before the start TOP (declined answers left out).",
            ),
            Line(
                f"top_abstinent_{name}",
                f"{label}: of those, abstinent at review",
                unit="people",
                definition="No use in the 28 days before the review TOP.",
            ),
            Line(
                f"top_days_start_{name}",
                f"{label}: mean days at start",
                "stat",
                "days",
                base=using,
                definition="Mean days used of 28 at start, among those using at start.",
            ),
            Line(
                f"top_days_review_{name}",
                f"{label}: mean days at review",
                "stat",
                "days",
                base=using,
                definition="The same at review.",
            ),
        ]
    for name, label in SCORE_LABELS.items():
        n = f"top_n_{name}"
        lines += [
            Line(n, f"{label}: pairs with both scores", unit="people"),
            Line(
                f"top_change_{name}",
                f"{label}: mean change (review minus start)",
                "stat",
                "points",
                base=n,
                definition="Score 0 to 20; above 0 is better.",
            ),
        ]
    return tuple(lines)


TOP_SECTION = Section("Treatment Outcomes Profile", _lines())


def _flatten(start: dict, review: dict) -> dict[str, int | float | None]:
    out: dict[str, int | float | None] = {
        "top_start_due": start["start_tops_due"],
        "top_start_on_time": start["start_tops_on_time"],
        "top_pairs": review["pairs"],
    }
    for name in SUBSTANCE_LABELS:
        f = review[name]
        out[f"top_using_{name}"] = f["using_at_start"]
        out[f"top_abstinent_{name}"] = f["abstinent_at_review"]
        out[f"top_days_start_{name}"] = f["mean_days_start"]
        out[f"top_days_review_{name}"] = f["mean_days_review"]
    for name in SCORE_LABELS:
        out[f"top_n_{name}"] = review[name]["n"]
        out[f"top_change_{name}"] = review[name]["mean_change"]
    return out


def top_values(
    quarter_cohort: Cohort, services: Sequence, all_key: str
) -> dict[tuple[str, str], int | float | None]:
    """{(line key, service code or all_key): raw figure}; four queries
    whatever the number of services. Counts for all services are summed by
    the caller; stats for all come from here."""
    shift = dt.timedelta(days=REVIEW_SHIFT_DAYS)
    review_cohort = Cohort(
        quarter_cohort.start - shift,
        quarter_cohort.end - shift,
        quarter_cohort.as_of,
        quarter_cohort.services,
    )
    start_all, start_by = top_by_service(quarter_cohort)
    review_all, review_by = top_by_service(review_cohort)
    empty = _empty()
    values: dict[tuple[str, str], int | float | None] = {}
    for service in services:
        flat = _flatten(start_by.get(service.code, empty), review_by.get(service.code, empty))
        for key, value in flat.items():
            values[(key, service.code)] = value
    overall = _flatten(start_all, review_all)
    for line in TOP_SECTION.lines:
        if line.kind == "stat":
            values[(line.key, all_key)] = overall[line.key]
    return values


def _empty() -> dict:
    return _figures([], [])
