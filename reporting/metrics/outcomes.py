"""Paired outcome changes within an episode: its baseline form against its
day-N form by the same reporter, both dated by the as-of date. Keyworker
forms are the primary analysis (domain.md)."""

from decimal import Decimal

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg, Corr
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
    Value,
)
from django.db.models.functions import Abs, Coalesce

from outcomes.models import OutcomeForm, ReportedBy, Timepoint
from reporting.metrics.aggregate import aggregate_by
from reporting.metrics.cohort import Cohort, cohort_episodes, cohort_forms, group_order
from reporting.metrics.sql import Median
from reporting.metrics.stats import mcnemar_exact_p, t_interval, wilcoxon_p

FOLLOW_UPS = {"day30": Timepoint.DAY30, "day90": Timepoint.DAY90}
# Fewer pairs than this and the dashboard says the change cannot be judged.
SMALL_N = 10


def _form(cohort: Cohort, timepoint: str, reporter: str) -> FilteredRelation:
    return FilteredRelation(
        "outcome_forms",
        condition=Q(
            outcome_forms__timepoint=timepoint,
            outcome_forms__reported_by=reporter,
            outcome_forms__form_date__lte=cohort.as_of,
        ),
    )


_MONEY: DecimalField = DecimalField(max_digits=10, decimal_places=2)


def _spend(alias: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        F(f"{alias}__crack_days") * Coalesce(F(f"{alias}__crack_spend_per_day"), Value(Decimal(0))),
        output_field=_MONEY,
    )


def paired_episodes(
    cohort: Cohort, follow_up: str, *, reporter: str = ReportedBy.KEYWORKER
) -> QuerySet:
    """The cohort's episodes with both a baseline and a `follow_up` ("day30"
    or "day90") form by `reporter`, annotated with both points' crack days,
    monthly spend (days x spend per using day) and crime, and the changes."""
    return (
        cohort_episodes(cohort)
        .annotate(
            b=_form(cohort, Timepoint.BASELINE, reporter),
            f=_form(cohort, FOLLOW_UPS[follow_up], reporter),
        )
        .filter(b__isnull=False, f__isnull=False)
        .annotate(
            baseline_days=F("b__crack_days"),
            followup_days=F("f__crack_days"),
            baseline_spend=_spend("b"),
            followup_spend=_spend("f"),
            b_crime=F("b__crime_involved"),
            f_crime=F("f__crime_involved"),
        )
        .annotate(
            days_change=ExpressionWrapper(
                F("followup_days") - F("baseline_days"), output_field=IntegerField()
            ),
            spend_change=ExpressionWrapper(
                F("followup_spend") - F("baseline_spend"), output_field=_MONEY
            ),
        )
    )


_AGGREGATES = {
    "n_pairs": Count("pk"),
    "baseline_mean_crack_days": Avg("baseline_days"),
    "followup_mean_crack_days": Avg("followup_days"),
    "baseline_median_crack_days": Median("baseline_days"),
    "followup_median_crack_days": Median("followup_days"),
    "mean_difference": Avg("days_change"),
    "sd_difference": StdDev("days_change", sample=True),
    # Every difference, for the Wilcoxon test (a signed-rank test needs them).
    "differences": ArrayAgg("days_change"),
    "spend_differences": ArrayAgg("spend_change"),
    "baseline_mean_monthly_spend": Avg("baseline_spend"),
    "followup_mean_monthly_spend": Avg("followup_spend"),
    "baseline_median_monthly_spend": Median("baseline_spend"),
    "followup_median_monthly_spend": Median("followup_spend"),
    "spend_mean_difference": Avg("spend_change"),
    "spend_sd_difference": StdDev("spend_change", sample=True),
    "baseline_abstinent": Count("pk", filter=Q(baseline_days=0)),
    "followup_abstinent": Count("pk", filter=Q(followup_days=0)),
    "abstinence_gained": Count("pk", filter=Q(baseline_days__gt=0, followup_days=0)),
    "abstinence_lost": Count("pk", filter=Q(baseline_days=0, followup_days__gt=0)),
    "baseline_crime": Count("pk", filter=Q(b_crime=True)),
    "followup_crime": Count("pk", filter=Q(f_crime=True)),
    "crime_stopped": Count("pk", filter=Q(b_crime=True, f_crime=False)),
    "crime_started": Count("pk", filter=Q(b_crime=False, f_crime=True)),
}

# What the core figures need; `detail` asks for every aggregate above.
_CORE_AGGREGATES = (
    "n_pairs",
    "baseline_mean_crack_days",
    "followup_mean_crack_days",
    "mean_difference",
    "sd_difference",
    "differences",
    "baseline_mean_monthly_spend",
    "followup_mean_monthly_spend",
    "baseline_abstinent",
    "followup_abstinent",
    "abstinence_gained",
    "abstinence_lost",
    "baseline_crime",
    "followup_crime",
)

CORE = (
    "n_pairs",
    "baseline_mean_crack_days",
    "followup_mean_crack_days",
    "mean_difference",
    "ci95",
    "wilcoxon_p",
    "baseline_mean_monthly_spend",
    "followup_mean_monthly_spend",
    "baseline_abstinent",
    "followup_abstinent",
    "mcnemar_p",
    "baseline_crime",
    "followup_crime",
)


def _f(value) -> float | None:
    return None if value is None else float(value)


def _histogram(values: list | None) -> dict:
    found, counts = np.unique(np.array(values or [], dtype=float), return_counts=True)
    return dict(zip(found.tolist(), counts.tolist(), strict=True))


def _shape(row: dict, detail: bool) -> dict:
    n = row["n_pairs"]
    if not n:
        return {"n_pairs": 0}
    mean_diff, sd = _f(row["mean_difference"]), _f(row["sd_difference"])
    full = {
        "n_pairs": n,
        "baseline_mean_crack_days": _f(row["baseline_mean_crack_days"]),
        "followup_mean_crack_days": _f(row["followup_mean_crack_days"]),
        "mean_difference": mean_diff,
        "ci95": t_interval(n, mean_diff, sd),
        "wilcoxon_p": wilcoxon_p(_histogram(row["differences"])),
        "baseline_mean_monthly_spend": _f(row["baseline_mean_monthly_spend"]),
        "followup_mean_monthly_spend": _f(row["followup_mean_monthly_spend"]),
        "baseline_abstinent": row["baseline_abstinent"],
        "followup_abstinent": row["followup_abstinent"],
        "mcnemar_p": mcnemar_exact_p(row["abstinence_gained"], row["abstinence_lost"]),
        "baseline_crime": row["baseline_crime"],
        "followup_crime": row["followup_crime"],
    }
    if not detail:
        return full
    spend_diff, spend_sd = _f(row["spend_mean_difference"]), _f(row["spend_sd_difference"])
    return full | {
        "baseline_median_crack_days": _f(row["baseline_median_crack_days"]),
        "followup_median_crack_days": _f(row["followup_median_crack_days"]),
        "baseline_median_monthly_spend": _f(row["baseline_median_monthly_spend"]),
        "followup_median_monthly_spend": _f(row["followup_median_monthly_spend"]),
        "spend_mean_difference": spend_diff,
        "spend_ci95": t_interval(n, spend_diff, spend_sd),
        "spend_wilcoxon_p": wilcoxon_p(_histogram(row["spend_differences"])),
        "abstinence_gained": row["abstinence_gained"],
        "abstinence_lost": row["abstinence_lost"],
        "crime_stopped": row["crime_stopped"],
        "crime_started": row["crime_started"],
        "crime_mcnemar_p": mcnemar_exact_p(row["crime_stopped"], row["crime_started"]),
        "small_n": n < SMALL_N,
    }


def outcome_change(
    cohort: Cohort, follow_up: str, *, reporter: str = ReportedBy.KEYWORKER, detail: bool = False
) -> dict:
    """Paired change from baseline to `follow_up` ("day30" or "day90"):
    n_pairs and, when there are pairs, the means at both points, the mean
    difference (follow-up minus baseline) with its 95% t interval (None
    under two pairs), the Wilcoxon p (None when every difference is zero),
    mean monthly spend, abstinence and crime counts with McNemar's exact p.
    `detail` adds medians, the same statistics for spend, crime's McNemar p,
    the discordant counts and small_n."""
    return outcome_change_by(cohort, follow_up, None, reporter=reporter, detail=detail)[None]


def outcome_change_by(
    cohort: Cohort,
    follow_up: str,
    by: str | None,
    *,
    reporter: str = ReportedBy.KEYWORKER,
    detail: bool = False,
) -> dict:
    """{group code: outcome_change figures} for a breakdown: one query."""
    pairs = paired_episodes(cohort, follow_up, reporter=reporter)
    wanted = _AGGREGATES if detail else {k: _AGGREGATES[k] for k in _CORE_AGGREGATES}
    rows = aggregate_by(pairs, wanted, by)
    return {key: _shape(row, detail) for key, row in rows.items()}


def outcomes(cohort: Cohort, *, detail: bool = False) -> dict:
    """{"day30": outcome_change(...), "day90": outcome_change(...)}."""
    return {fu: outcome_change(cohort, fu, detail=detail) for fu in FOLLOW_UPS}


def outcomes_by(cohort: Cohort, by: str, *, detail: bool = False) -> dict:
    """{group code: {"day30": ..., "day90": ...}}; groups without a pair
    get {"n_pairs": 0} for that follow-up."""
    per_fu = {fu: outcome_change_by(cohort, fu, by, detail=detail) for fu in FOLLOW_UPS}
    keys = group_order(by, {k for figures in per_fu.values() for k in figures})
    return {k: {fu: per_fu[fu].get(k, {"n_pairs": 0}) for fu in FOLLOW_UPS} for k in keys}


def agreement(cohort: Cohort) -> dict:
    """Keyworker against client self-report of crack days, wherever both
    reported the same timepoint of an episode: pairs, mean absolute
    difference, exact agreement, within two days, and Pearson's r (None
    when undefined). One query."""
    client_days = (
        OutcomeForm.objects.filter(
            episode=OuterRef("episode"),
            timepoint=OuterRef("timepoint"),
            reported_by=ReportedBy.CLIENT,
            form_date__lte=cohort.as_of,
        )
        .order_by()
        .values("crack_days")[:1]
    )
    row = (
        cohort_forms(cohort)
        .filter(reported_by=ReportedBy.KEYWORKER)
        .annotate(client_days=Subquery(client_days, output_field=IntegerField()))
        .filter(client_days__isnull=False)
        .annotate(gap=Abs(F("crack_days") - F("client_days")))
        .aggregate(
            pairs=Count("pk"),
            mean_absolute_difference=Avg("gap"),
            exact=Count("pk", filter=Q(gap=0)),
            within_2_days=Count("pk", filter=Q(gap__lte=2)),
            correlation=Corr("crack_days", "client_days"),
        )
    )
    row["mean_absolute_difference"] = _f(row["mean_absolute_difference"])
    row["correlation"] = _f(row["correlation"])
    return row
