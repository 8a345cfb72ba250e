"""Assemble a quarterly return from the metric functions (reporting.metrics),
protect it (disclosure.protect) and shape it as a plain document that the
writers, the pages and the stored return all read.

Nothing here computes a measure: every figure comes from reporting.metrics.
This module only chooses the cohorts, calls the functions per service and
for all services together, and lays the figures out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from django.utils import timezone

from clients.models import EthnicCategory, ReferralSource, Sex
from keywork.models import DischargeReason
from nectos import clock
from reporting.metrics.cohort import AGE_BANDS, ETHNIC_GROUPS, Cohort, group_labels, group_order
from reporting.metrics.flow import discharges_by, in_treatment_by
from reporting.metrics.funnel import funnel, funnel_by
from reporting.metrics.intensity import intensity, intensity_by
from reporting.metrics.outcomes import outcome_change, outcome_change_by
from reporting.metrics.retention import retention, retention_by
from reporting.metrics.returns_extra import referrals_by_service_and
from reporting.returns.cm import cm_values
from reporting.returns.disclosure import DEFAULT_POLICY, DisclosurePolicy, RawTable, protect
from reporting.returns.layout import Breakdown, Layout, build_layout
from reporting.returns.national import put_national
from reporting.returns.quarters import Quarter
from reporting.returns.top_return import top_values
from services.models import Service

TITLE = "Crack and stimulant treatment: quarterly return"
ALL = "__all__"
ALL_LABEL = "All services"

NOTES = (
    "Figures are as they stood on the last day of the quarter: anything dated after it is "
    "left out, so the return gives the same answer whenever it is run.",
    "Referrals and assessment follow the referrals dated in the quarter. Treatment starts, "
    "early exits and keywork follow the episodes that started in the quarter. Retention and "
    "outcomes at day 30 (or 90) follow the episodes whose 30th (or 90th) day fell in the "
    "quarter, so that every one of them can be judged.",
    "A person referred to two services counts once in each. All services is the sum of the "
    "services for counts; its medians and means are worked out over everyone together.",
    "The national measures count Tier 3 and 4 episodes in treatment at any time in the "
    "quarter. None of the quarter's own completions has had six months by its last day, so "
    "re-presentation is reported for the quarter moved back 182 days.",
)

BREAKDOWN_DEFINITIONS = (
    (
        "Referrals by source group",
        "Who made the referral, in the national reporting groups (self, GP, drug service, "
        "criminal justice, health, social care, other).",
    ),
    ("Referrals by sex", "The sex recorded for the person referred."),
    (
        "Referrals by ethnic group",
        "The broad group of the NHS ethnic category recorded for the person referred.",
    ),
    ("Referrals by age band", "Age in whole years on the date of the referral."),
    ("Discharges by reason", "The reason recorded when the episode ended."),
)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Cohorts:
    """The cohorts a quarter's return reads (see NOTES)."""

    quarter: Cohort
    day30: Cohort
    day90: Cohort

    @classmethod
    def for_quarter(cls, quarter: Quarter, services: Sequence[int]) -> Cohorts:
        end = quarter.end

        def shifted(days: int) -> Cohort:
            delta = dt.timedelta(days=days)
            return Cohort(quarter.start - delta, end - delta, end, tuple(services))

        return cls(Cohort(quarter.start, end, end, tuple(services)), shifted(30), shifted(90))


def _source_group_label(group: str) -> str:
    return "GP" if group == "gp" else group[:1].upper() + group[1:]


def breakdowns() -> tuple[Breakdown, ...]:
    """The breakdown rows as the code lists stand (a few small queries)."""
    source_groups = list(
        dict.fromkeys(ReferralSource.objects.values_list("reporting_group", flat=True))
    )
    ethnic = list(
        dict.fromkeys(
            [*ETHNIC_GROUPS, *EthnicCategory.objects.values_list("broad_group", flat=True)]
        )
    )
    sexes = list(Sex.objects.values_list("code", "label"))
    ages = group_labels("age_band")
    reasons = list(DischargeReason.objects.values_list("code", "label"))
    return (
        Breakdown(
            "source_group",
            "Referrals by source group",
            "referred",
            "All referrals",
            tuple((g, _source_group_label(g)) for g in group_order("source_group", source_groups)),
        ),
        Breakdown("sex", "Referrals by sex", "referred", "All referrals", tuple(sexes)),
        Breakdown(
            "ethnicity",
            "Referrals by ethnic group",
            "referred",
            "All referrals",
            tuple((g, g) for g in ethnic),
        ),
        Breakdown(
            "age_band",
            "Referrals by age band",
            "referred",
            "All referrals",
            tuple((b, ages[b]) for b in AGE_BANDS),
        ),
        Breakdown(
            "reason",
            "Discharges by reason",
            "discharges",
            "All discharges",
            tuple(reasons),
            unit="episodes",
        ),
    )


def raw_figures(
    *,
    services: Sequence[Service],
    quarter: Quarter,
    layout: Layout,
    progress: Progress | None = None,
) -> dict[tuple[str, str], int | float | None]:
    """{(measure key, service code or ALL): raw figure}, before disclosure
    control. Counts for ALL are the sums over the services; medians and
    means for ALL come from the metric functions over all of them."""
    codes = [s.code for s in services]
    cohorts = Cohorts.for_quarter(quarter, [s.pk for s in services])
    values: dict[tuple[str, str], int | float | None] = {}
    steps: list[Callable[[], None]] = []

    def put(key: str, per_service: dict, overall: dict | None, field: str, stat: bool = False):
        for code in codes:
            values[(key, code)] = (per_service.get(code) or {}).get(field, None if stat else 0)
        if stat:
            values[(key, ALL)] = (overall or {}).get(field)

    def do_funnel() -> None:
        q = cohorts.quarter
        by, overall = funnel_by(q, "service"), funnel(q)
        for key in ("referred", "assessment_offered", "assessed", "started"):
            put(key, by, overall, key)
        for key in ("median_days_to_assessment", "median_days_to_treatment"):
            put(key, by, overall, key, stat=True)

    def do_retention() -> None:
        q = cohorts.quarter
        by, overall = retention_by(q, "service"), retention(q)
        put("starts", by, overall, "episodes")
        put("early_exit", by, overall, "early_exit")
        for n, cohort in ((30, cohorts.day30), (90, cohorts.day90)):
            by_n, overall_n = retention_by(cohort, "service"), retention(cohort)
            put(f"eligible_{n}", by_n, overall_n, f"eligible_{n}")
            put(f"retained_{n}", by_n, overall_n, f"retained_{n}")

    def do_treatment() -> None:
        q = cohorts.quarter
        open_by = in_treatment_by(q, "service")
        for code in codes:
            values[("in_treatment", code)] = (open_by.get(code) or {}).get("people", 0)
        ended = discharges_by(q, "service")
        empty = {"discharged": 0, "completed": 0, "not_completed": 0, "by_reason": {}}
        for code in codes:
            row = ended.get(code, empty)
            values[("discharges", code)] = row["discharged"]
            values[("discharges_completed", code)] = row["completed"]
            values[("discharges_not_completed", code)] = row["not_completed"]
            for key in layout.lines:
                if key.startswith("reason:"):
                    values[(key, code)] = row["by_reason"].get(key.split(":", 1)[1], 0)

    def do_intensity() -> None:
        q = cohorts.quarter
        by, overall = intensity_by(q, "service", detail=True), intensity(q, detail=True)
        put("contacts", by, overall, "contacts")
        put("people_with_contacts", by, overall, "episodes")
        put("median_contact_minutes", by, overall, "median_contact_minutes", stat=True)

    def do_outcomes() -> None:
        for n, cohort in ((30, cohorts.day30), (90, cohorts.day90)):
            fu = f"day{n}"
            by, overall = outcome_change_by(cohort, fu, "service"), outcome_change(cohort, fu)
            put(f"pairs_{n}", by, overall, "n_pairs")
            for key, field in (
                ("crack_days_before", "baseline_mean_crack_days"),
                ("crack_days_after", "followup_mean_crack_days"),
                ("spend_before", "baseline_mean_monthly_spend"),
                ("spend_after", "followup_mean_monthly_spend"),
            ):
                put(f"{key}_{n}", by, overall, field, stat=True)

    def do_breakdowns() -> None:
        for by in ("source_group", "sex", "ethnicity", "age_band"):
            counts = referrals_by_service_and(cohorts.quarter, by)
            for key in layout.lines:
                if key.startswith(f"{by}:"):
                    group = key.split(":", 1)[1]
                    for code in codes:
                        values[(key, code)] = counts.get(code, {}).get(group, 0)

    def do_cm() -> None:
        values.update(cm_values(cohorts.quarter, [(s.pk, s.code) for s in services], ALL))

    def do_national() -> None:
        put_national(values, codes, cohorts.quarter, ALL)

    def do_top() -> None:
        values.update(top_values(cohorts.quarter, services, ALL))

    steps = [do_funnel, do_retention, do_treatment, do_intensity, do_outcomes, do_top]
    steps += [do_breakdowns, do_cm, do_national]
    for i, step in enumerate(steps, start=1):
        step()
        if progress:
            progress(int(90 * i / len(steps)))

    for line in layout.lines.values():
        if line.kind == "count":
            values[(line.key, ALL)] = sum(int(values.get((line.key, c)) or 0) for c in codes)
    return values


def build_return(
    *,
    services: Sequence[Service],
    quarter: Quarter,
    commissioner: str = "",
    policy: DisclosurePolicy = DEFAULT_POLICY,
    progress: Progress | None = None,
    generated_at: dt.datetime | None = None,
) -> dict:
    """The protected return as a JSON-ready document (see writers)."""
    services = sorted(services, key=lambda s: s.code)
    layout = build_layout(breakdowns())
    values = raw_figures(services=services, quarter=quarter, layout=layout, progress=progress)
    columns = tuple(s.code for s in services) + (ALL,)
    table = protect(
        RawTable(
            columns=columns,
            measures=layout.measures,
            values=values,
            total_column=ALL,
            groups=layout.groups,
        ),
        policy,
    )
    generated_at = timezone.localtime(generated_at or clock.now())
    sheets = []
    for sheet in layout.sheets:
        sections = []
        for section in sheet.sections:
            rows = [
                {
                    "key": line.key,
                    "label": line.label,
                    "kind": line.kind,
                    "unit": line.unit,
                    "values": table.row(line.key),
                }
                for line in section.lines
            ]
            sections.append({"title": section.title, "total": section.total, "rows": rows})
        sheets.append({"key": sheet.key, "title": sheet.title, "sections": sections})
    definitions = [
        {"measure": line.label, "definition": line.definition}
        for sheet in layout.sheets[:1]
        for section in sheet.sections
        for line in section.lines
        if line.definition
    ] + [{"measure": m, "definition": d} for m, d in BREAKDOWN_DEFINITIONS]
    if progress:
        progress(95)
    return {
        "title": TITLE,
        "quarter": str(quarter),
        "quarter_label": quarter.label,
        "period": {"from": quarter.start.isoformat(), "to": quarter.end.isoformat()},
        "as_of": quarter.end.isoformat(),
        "generated_at": generated_at.strftime("%Y-%m-%d %H:%M"),
        "commissioner": commissioner,
        "columns": [{"key": s.code, "code": s.code, "label": s.name} for s in services]
        + [{"key": ALL, "code": "", "label": ALL_LABEL}],
        "policy": asdict(policy) | {"text": policy.describe()},
        "sheets": sheets,
        "definitions": definitions,
        "notes": list(NOTES),
    }


def return_row(doc: dict, key: str) -> list:
    """The published values of one measure across the columns."""
    for sheet in doc["sheets"]:
        for section in sheet["sections"]:
            for row in section["rows"]:
                if row["key"] == key:
                    return row["values"]
    raise KeyError(key)
