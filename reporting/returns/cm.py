"""Contingency management in the quarterly return: the rows (after the
other measures) and their raw figures per service, from reporting.metrics.cm,
before disclosure control. Counts follow the small-number rule; the share
negative is worked out from the rounded counts of tests done and negative;
the median longest run and the voucher sums are suppressed when they rest
on a handful of plans."""

from __future__ import annotations

from collections.abc import Sequence

from reporting.metrics.cm import cm
from reporting.metrics.cohort import Cohort
from reporting.returns.layout import Line, Section

CM_SECTION = Section(
    "Contingency management",
    (
        Line(
            "cm_plans",
            "CM plans started",
            unit="plans",
            definition="Contingency management plans that started in the quarter.",
        ),
        Line(
            "cm_tests_scheduled",
            "Drug tests scheduled",
            unit="tests",
            definition="Tests of those plans scheduled by the end of the quarter.",
        ),
        Line(
            "cm_tests_done",
            "Drug tests due and done or missed",
            unit="tests",
            definition="Scheduled tests that had a result, or were missed (no result by the day "
            "after), by the end of the quarter: the base of the share negative.",
        ),
        Line(
            "cm_tests_negative",
            "Negative tests",
            unit="tests",
            definition="Tests with a negative result dated by the end of the quarter.",
        ),
        Line(
            "cm_tests_missed",
            "Missed tests",
            unit="tests",
            definition="No result recorded by the day after the scheduled day.",
        ),
        Line(
            "cm_share_negative",
            "Negative, % of tests done",
            "percent",
            "%",
            base="cm_tests_done",
            numerator="cm_tests_negative",
            definition="Negative tests as a percentage of tests due and done or missed.",
        ),
        Line(
            "cm_median_longest_run",
            "Median longest run of negatives",
            "stat",
            "tests",
            base="cm_plans",
            definition="Half of the plans had a longest run of consecutive negative tests this "
            "long or shorter.",
        ),
        Line(
            "cm_earned",
            "Vouchers earned (GBP)",
            "stat",
            "GBP",
            base="cm_plans",
            definition="Vouchers earned for negative tests by the end of the quarter.",
        ),
        Line(
            "cm_issued",
            "Vouchers issued (GBP)",
            "stat",
            "GBP",
            base="cm_plans",
            definition="Vouchers handed to clients by the end of the quarter.",
        ),
    ),
)

_FIELDS = {
    "cm_plans": "plans",
    "cm_tests_scheduled": "tests_scheduled",
    "cm_tests_negative": "tests_negative",
    "cm_tests_missed": "tests_missed",
    "cm_median_longest_run": "median_longest_run",
    "cm_earned": "earned",
    "cm_issued": "issued",
}
_STATS = {"cm_median_longest_run", "cm_earned", "cm_issued"}


def cm_values(
    quarter: Cohort, services: Sequence[tuple[int, str]], all_key: str
) -> dict[tuple[str, str], int | float | None]:
    """{(row key, service code or all_key): raw figure}. Counts for all_key
    are summed by the caller; the stats for all_key come from the plans of
    every service together."""
    values: dict[tuple[str, str], int | float | None] = {}
    for pk, code in services:
        figures = cm(quarter.with_services([pk]), detail=True)
        for key, field in _FIELDS.items():
            values[(key, code)] = figures[field]
        values[("cm_tests_done", code)] = figures["tests_done"]
    overall = cm(quarter.with_services([pk for pk, _ in services]))
    for key in _STATS:
        values[(key, all_key)] = overall[_FIELDS[key]]
    return values
