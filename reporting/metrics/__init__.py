"""The NECTOS measures (docs/metrics.md; definitions in domain.md), computed in
SQL aggregates, shared by the dashboards, their Celery snapshots, the
`metrics` command and the commissioner returns.

Every function takes a `Cohort` and returns plain dicts of JSON-ready numbers
(None where a figure cannot be computed)::

    cohort = Cohort(start, end, as_of, services)   # services: ids, a Service
                                                   # queryset, or None for all
    report(cohort, service_code=None, by=None)     # the command's whole JSON
    measures(cohort) / measures_by(cohort, by)     # funnel+retention+intensity+outcomes

    funnel(cohort, detail=False)                   # referred ... started, median waits
    retention(cohort, detail=False)                # eligible/retained 30 and 90, early exits
    survival(cohort)                               # Kaplan-Meier curve with 95% band
    intensity(cohort, detail=False)                # keywork contacts, gaps, minutes, shares
    outcomes(cohort, detail=False)                 # {"day30": ..., "day90": ...} paired change
    outcome_change(cohort, "day30", reporter="keyworker", detail=False)
    agreement(cohort)                              # keyworker vs client self-report
    discharges(cohort) / in_treatment(cohort)      # ended in the period / open at its end
    caseload(services, today)                      # per keyworker, for managers
    national(cohort) / national_by(cohort, by)     # what commissioners are judged on

Each `x(cohort)` has `x_by(cohort, by)` returning {group code: figures} for
`by` in BREAKDOWNS ("service", "source", "source_group", "sex", "ethnicity"
(broad group), "age_band" (age at referral), "keyworker"). `detail=True`
adds the extra figures the dashboards show. The querysets behind each count
(`step_referrals`, `step_episodes`, ...) serve click-through lists.

Imports flow down only: this package reads services, clients, keywork and
outcomes and is read by the reporting modules, never by them.
"""

from reporting.metrics.caseload import caseload, caseload_episodes
from reporting.metrics.cohort import (
    AGE_BANDS,
    BREAKDOWNS,
    COMMAND_BREAKDOWNS,
    ETHNIC_GROUPS,
    Cohort,
    group_labels,
    group_order,
)
from reporting.metrics.flow import discharges, discharges_by, in_treatment, in_treatment_by
from reporting.metrics.funnel import STEPS as FUNNEL_STEPS
from reporting.metrics.funnel import funnel, funnel_by, funnel_referrals, step_referrals
from reporting.metrics.intensity import intensity, intensity_by, keywork_contacts
from reporting.metrics.national import national, national_by, national_episodes, step_national
from reporting.metrics.outcomes import (
    FOLLOW_UPS,
    SMALL_N,
    agreement,
    outcome_change,
    outcome_change_by,
    outcomes,
    outcomes_by,
    paired_episodes,
)
from reporting.metrics.report import empty_measures, measures, measures_by, report
from reporting.metrics.retention import (
    retention,
    retention_by,
    retention_episodes,
    step_episodes,
    survival,
    survival_by,
)

__all__ = [
    "AGE_BANDS",
    "BREAKDOWNS",
    "COMMAND_BREAKDOWNS",
    "ETHNIC_GROUPS",
    "FOLLOW_UPS",
    "FUNNEL_STEPS",
    "SMALL_N",
    "Cohort",
    "agreement",
    "caseload",
    "caseload_episodes",
    "discharges",
    "empty_measures",
    "discharges_by",
    "funnel",
    "funnel_by",
    "funnel_referrals",
    "group_labels",
    "group_order",
    "in_treatment",
    "in_treatment_by",
    "intensity",
    "intensity_by",
    "keywork_contacts",
    "measures",
    "measures_by",
    "national",
    "national_by",
    "national_episodes",
    "outcome_change",
    "outcome_change_by",
    "outcomes",
    "outcomes_by",
    "paired_episodes",
    "report",
    "retention",
    "retention_by",
    "retention_episodes",
    "step_episodes",
    "step_national",
    "step_referrals",
    "survival",
    "survival_by",
]
