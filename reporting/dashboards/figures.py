"""Everything one service dashboard shows, from reporting.metrics, as one
JSON-ready dict (what a DashboardSnapshot stores)."""

from collections.abc import Callable
from functools import partial
from typing import Any

from reporting.dashboards.national import sections as national_sections
from reporting.metrics import (
    Cohort,
    agreement,
    funnel,
    funnel_by,
    group_labels,
    intensity,
    intensity_by,
    measures_by,
    outcomes,
    report,
    retention,
    retention_by,
    survival,
)
from reporting.metrics.cm import cm_by_week
from services.models import Service, User

# Breakdowns shown under the main figures, with their headings.
BREAKDOWNS = {"sex": "Sex", "ethnicity": "Ethnic group", "age_band": "Age band"}


def _keyworker_names(cohort: Cohort) -> dict[str, str]:
    return {
        username: full_name or username
        for username, full_name in User.objects.filter(
            episodes__referral__service__in=cohort.services,
            episodes__start_date__gte=cohort.start,
            episodes__start_date__lte=cohort.last_day,
        )
        .distinct()
        .values_list("username", "full_name")
    }


def sections(service: Service, cohort: Cohort) -> list[tuple[str, Callable[[], object]]]:
    """(name, compute) pairs in the order a snapshot computes them."""
    out: list[tuple[str, Callable[[], object]]] = [
        # Exactly `manage.py metrics --service CODE --json` for the cohort.
        ("summary", lambda: report(cohort, service_code=service.code)),
        ("funnel", lambda: funnel(cohort, detail=True)),
        ("funnel_by_source", lambda: funnel_by(cohort, "source_group", detail=True)),
        ("retention_by_source", lambda: retention_by(cohort, "source_group")),
        ("retention", lambda: retention(cohort, detail=True)),
        ("survival", lambda: survival(cohort)),
        ("intensity", lambda: intensity(cohort, detail=True)),
        ("intensity_by_keyworker", lambda: intensity_by(cohort, "keyworker", detail=True)),
        ("retention_by_keyworker", lambda: retention_by(cohort, "keyworker")),
        ("keyworkers", lambda: _keyworker_names(cohort)),
        ("outcomes", lambda: outcomes(cohort, detail=True)),
        ("agreement", lambda: agreement(cohort)),
        ("cm_by_week", lambda: cm_by_week(cohort)),
    ]
    for by in BREAKDOWNS:
        out.append((f"by_{by}", partial(measures_by, cohort, by)))
    out += national_sections(service, cohort)
    out.append(
        ("labels", lambda: {by: group_labels(by) for by in ("sex", "age_band", "ethnicity")})
    )
    return out


# Breakdowns are stored as [code, figures] pairs: PostgreSQL's jsonb does not
# keep the order of an object's keys, and the code-list order matters.
ORDERED = {"funnel_by_source", "by_sex", "by_ethnicity", "by_age_band"}


def ordered(data: dict) -> dict:
    """A stored snapshot's figures with the breakdowns as ordered dicts again."""
    return {k: dict(v) if k in ORDERED else v for k, v in data.items()}


def compute(
    service: Service, cohort: Cohort, progress: Callable[[int], None] | None = None
) -> dict:
    """All sections; `progress(percent)` after each."""
    parts = sections(service, cohort)
    data: dict = {}
    for i, (name, work) in enumerate(parts, start=1):
        result: Any = work()
        data[name] = list(result.items()) if name in ORDERED else result
        if progress is not None:
            progress(round(100 * i / len(parts)))
    return data
