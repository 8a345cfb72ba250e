"""The whole set of measures in the shape `manage.py metrics --json` prints."""

from reporting.metrics.cm import cm
from reporting.metrics.cohort import Cohort, group_order
from reporting.metrics.funnel import empty_funnel, funnel, funnel_by
from reporting.metrics.intensity import intensity, intensity_by
from reporting.metrics.national import national
from reporting.metrics.outcomes import FOLLOW_UPS, outcomes, outcomes_by
from reporting.metrics.retention import CORE as RETENTION_KEYS
from reporting.metrics.retention import retention, retention_by
from reporting.metrics.top import top


def measures(cohort: Cohort) -> dict:
    """{"funnel", "retention", "intensity", "outcomes"} for the cohort."""
    return {
        "funnel": funnel(cohort),
        "retention": retention(cohort),
        "intensity": intensity(cohort),
        "outcomes": outcomes(cohort),
    }


def _empty_retention() -> dict:
    return dict.fromkeys(RETENTION_KEYS, 0)


def _empty_intensity() -> dict:
    return {
        "contacts": 0,
        "mean_contact_interval_days": None,
        "median_contact_minutes": None,
        "share_first_10_days": None,
        "share_first_30_days": None,
    }


def empty_measures() -> dict:
    """measures() of a cohort with nothing in it."""
    return {
        "funnel": empty_funnel(),
        "retention": _empty_retention(),
        "intensity": _empty_intensity(),
        "outcomes": {fu: {"n_pairs": 0} for fu in FOLLOW_UPS},
    }


def measures_by(cohort: Cohort, by: str) -> dict:
    """{group code: measures(...) of that group}, for every group met in any
    measure, in code-list order; a group missing from one measure gets that
    measure's empty figures."""
    parts = {
        "funnel": funnel_by(cohort, by),
        "retention": retention_by(cohort, by),
        "intensity": intensity_by(cohort, by),
        "outcomes": outcomes_by(cohort, by),
    }
    empty = empty_measures()
    keys = group_order(by, {k for part in parts.values() for k in part})
    return {k: {name: part.get(k, empty[name]) for name, part in parts.items()} for k in keys}


def report(cohort: Cohort, *, service_code: str | None = None, by: str | None = None) -> dict:
    """The command's JSON object: service, from, to, as_of, the measures,
    the national measures ("national"), and with `by` the NECTOS measures
    per group under "groups"."""
    out: dict = {
        "service": service_code,
        "from": cohort.start.isoformat(),
        "to": cohort.end.isoformat(),
        "as_of": cohort.as_of.isoformat(),
    }
    out |= measures(cohort)
    out["cm"] = cm(cohort)
    out["national"] = national(cohort)
    out["top"] = top(cohort)
    if by is not None:
        out["groups"] = measures_by(cohort, by)
    return out
