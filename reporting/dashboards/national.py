"""The national measures on the service dashboard and the comparison page
(docs/metrics.md, "National measures"): what a snapshot computes for them
and how the page shows them. The service's own figures are the summary's
"national" object (the command's); beside them the other services pooled
and all services, which rest on clients the viewer may not see and so obey
the pooled rule of the comparison page (counts to the nearest 5, nothing
resting on fewer than 8)."""

from collections.abc import Callable

from django.db.models import Q

from reporting.dashboards.presenters import POOLED_MINIMUM, num, pct
from reporting.dashboards.quarters import Quarter
from reporting.metrics import Cohort
from reporting.metrics.national import (
    REPRESENT_DAYS,
    empty_national,
    national_parts,
    quarterly_success,
)
from services.models import Service

QUARTERS = 8

REPRESENTATION_WINDOW = (
    f"a new referral of the same person to any service from 1 to {REPRESENT_DAYS} days "
    "(six months) after the end of treatment"
)

# (key, label, numerator, denominator, what it means) for each rate shown.
RATES = (
    (
        "headline",
        "Successful completions not re-presenting within six months",
        "successful_not_representing",
        "in_treatment",
        "completed treatment and not referred again within six months, of everyone in treatment",
    ),
    (
        "completions",
        "Successful completions",
        "successful_completions",
        "in_treatment",
        "left treatment with a completed reason, of everyone in treatment",
    ),
    (
        "not_representing",
        "Not re-presenting, of completions judged",
        "successful_not_representing",
        "completions_judged",
        "of the completions whose six months had passed by the as-of date",
    ),
    (
        "effective",
        "Effective treatment",
        "effective_treatment",
        "effective_eligible",
        "retained 12 weeks (84 days) or completed, of those who could be judged",
    ),
    (
        "early_unplanned",
        "Early unplanned exits",
        "early_unplanned_exits",
        "in_treatment",
        "dropped out, withdrawn or declined within 84 days, of everyone in treatment",
    ),
    (
        "waits",
        "Waited more than three weeks",
        "waited_over_21_days",
        "episodes_started",
        "more than 21 days from referral to starting treatment, of those who started",
    ),
)


def sections(service: Service, cohort: Cohort) -> list[tuple[str, Callable[[], object]]]:
    """Snapshot sections: the pooled comparators and the quarterly series."""

    def comparators() -> dict:
        everyone = cohort.with_services(None)
        return national_parts(
            {"others": (everyone, ~Q(referral__service=service.pk)), "all": (everyone, Q())}
        )

    def quarters() -> list[dict]:
        last = Quarter.of(cohort.end)
        recent = [last]
        while len(recent) < QUARTERS:
            recent.append(recent[-1].previous())
        return quarterly_success([service.pk], list(reversed(recent)), cohort.as_of)

    return [("national_comparators", comparators), ("national_quarters", quarters)]


def _count(n: int, pooled: bool) -> str:
    if not pooled:
        return f"{n:,}"
    if n == 0:
        return "0"
    if n < POOLED_MINIMUM:
        return "–"
    return f"{5 * round(n / 5):,}"


def _rounded(n: int) -> int | None:
    """A pooled count as shown: None when hidden."""
    if 0 < n < POOLED_MINIMUM:
        return None
    return 5 * round(n / 5)


def _rate(n: int, d: int, pooled: bool) -> str:
    """A pooled rate is worked out from the counts as shown, and hidden when
    either is (so that it never gives a hidden count away)."""
    if not pooled:
        return pct(n, d)
    shown_n, shown_d = _rounded(n), _rounded(d)
    if shown_n is None or shown_d is None:
        return "–"
    return pct(shown_n, shown_d)


def _cell(figures: dict, numerator: str, denominator: str, pooled: bool) -> dict:
    n, d = figures[numerator], figures[denominator]
    return {
        "numerator": _count(n, pooled),
        "denominator": _count(d, pooled),
        "rate": _rate(n, d, pooled),
    }


def columns(service: Service, data: dict) -> list[dict]:
    """This service, then the pooled comparators (absent from a snapshot
    worked out before these measures existed)."""
    out = [
        {
            "label": service.name,
            "figures": data["summary"].get("national") or empty_national(),
            "pooled": False,
        }
    ]
    comparators = data.get("national_comparators")
    if comparators:
        out.append(
            {"label": "All other services", "figures": comparators["others"], "pooled": True}
        )
        out.append({"label": "All services", "figures": comparators["all"], "pooled": True})
    return out


def rows(cols: list[dict]) -> list[dict]:
    """One row per rate, a numerator, denominator and rate per column."""
    return [
        {
            "key": key,
            "label": label,
            "meaning": meaning,
            "cells": [_cell(c["figures"], n, d, c["pooled"]) for c in cols],
        }
        for key, label, n, d, meaning in RATES
    ]


def extra_rows(cols: list[dict]) -> list[dict]:
    """Counts without a rate: completions still within their six months,
    exits and the median wait."""

    def median(c: dict) -> str:
        f = c["figures"]
        if c["pooled"] and f["episodes_started"] < POOLED_MINIMUM:
            return "–"
        value = f["median_wait_days"]
        return "none started" if value is None else f"{num(value)} days"

    return [
        {
            "label": "Completions still within their six months (not yet judged)",
            "cells": [_count(c["figures"]["completions_window_open"], c["pooled"]) for c in cols],
        },
        {
            "label": "Exits in the quarter",
            "cells": [_count(c["figures"]["exits"], c["pooled"]) for c in cols],
        },
        {"label": "Median wait from referral to treatment", "cells": [median(c) for c in cols]},
    ]


def quarter_rows(series: list[dict]) -> list[dict]:
    return [
        {
            "label": q["label"],
            "in_treatment": q["in_treatment"],
            "completions": q["successful_completions"],
            "not_representing": q["successful_not_representing"],
            "window_open": q["completions_window_open"],
            "headline": pct(q["successful_not_representing"], q["in_treatment"]),
            "completion_rate": pct(q["successful_completions"], q["in_treatment"]),
        }
        for q in series
    ]


def quarter_chart(series: list[dict]) -> dict:
    def as_number(n: int, d: int) -> float | None:
        return None if not d else round(100 * n / d, 1)

    return {
        "labels": [q["label"] for q in series],
        "completions": [as_number(q["successful_completions"], q["in_treatment"]) for q in series],
        "not_representing": [
            as_number(q["successful_not_representing"], q["in_treatment"]) for q in series
        ],
    }


def context(service: Service, data: dict) -> dict:
    """What the dashboard's "National measures" section needs."""
    cols = columns(service, data)
    series = data.get("national_quarters") or []
    return {
        "national_columns": cols,
        "national_rows": rows(cols),
        "national_extra_rows": extra_rows(cols),
        "national_window": REPRESENTATION_WINDOW,
        "national_quarter_rows": quarter_rows(series),
        "national_chart": quarter_chart(series),
        "national_figures": cols[0]["figures"],
    }


def compare_rows(cols: list[dict]) -> list[dict]:
    """The comparison page's rows for the national measures: a rate with
    its numerator and denominator in each cell (the pooled rule applied)."""
    out = []
    for _key, label, n, d, _meaning in RATES:
        cells = []
        for c in cols:
            cell = _cell(c["figures"]["national"], n, d, c["pooled"])
            cells.append(f"{cell['rate']} ({cell['numerator']} of {cell['denominator']})")
        out.append({"label": f"National: {label.lower()}", "cells": cells})
    return out


def with_national(cols: list[dict], per_service: dict, others: dict | None) -> list[dict]:
    """Put each comparison column's national figures beside its measures
    (columns are {"label", "figures", "pooled"}; the pooled one, last, gets
    `others`)."""
    for c in cols:
        found = others if c["pooled"] else per_service.get(c.get("code"))
        c["figures"] = c["figures"] | {"national": found or empty_national()}
    return cols
