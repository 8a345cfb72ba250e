"""Change at review on the Treatment Outcomes Profile (domain.md, "The
Treatment Outcomes Profile"), and how many start TOPs were on time.

Over Tier 3 and 4 episodes started in the period (their referral's
service), as things stood on the as-of date: TOPs dated after it are
ignored. An episode's start TOP pairs with its earliest review TOP dated 154
to 210 days after it. An item's value is the sum of its four weeks; a
declined or unasked item leaves the pair out of that item only.

Two queries: the cohort's episodes with their start TOP's date, and the
start and review TOPs of those episodes. Pairing and the sums run in Python
over a few columns per TOP."""

import datetime as dt
import statistics

from django.db.models import F, Min, Q

from outcomes.top_models import REPORTED_SUBSTANCES, SCORE_ITEMS, Stage, TreatmentOutcomesProfile
from reporting.metrics.cohort import Cohort, cohort_episodes
from reporting.metrics.stats import t_interval
from services.models import Tier

START_WINDOW_DAYS = 14
PAIR_MIN_DAYS = 154
PAIR_MAX_DAYS = 210
STRUCTURED_TIERS = (Tier.STRUCTURED, Tier.RESIDENTIAL)
SUBSTANCE_ITEMS = {s: f"{s}_days" for s in REPORTED_SUBSTANCES}


def _episodes(cohort: Cohort):
    return cohort_episodes(cohort).filter(tier__in=STRUCTURED_TIERS)


def _completeness_rows(cohort: Cohort) -> list[tuple]:
    """(service code, start date, its start TOP's date or None) for the
    episodes whose start TOP is due: start + 14 <= T."""
    due = _episodes(cohort).filter(
        start_date__lte=cohort.as_of - dt.timedelta(days=START_WINDOW_DAYS)
    )
    return list(
        due.annotate(
            start_top=Min(
                "tops__top_date",
                filter=Q(tops__stage=Stage.START, tops__top_date__lte=cohort.as_of),
            )
        ).values_list("referral__service__code", "start_date", "start_top")
    )


def _completeness(rows) -> dict:
    """start_tops_due: episodes with start + 14 <= T; start_tops_on_time:
    those with a start TOP dated within 14 days either side of the start."""
    on_time = sum(
        1
        for _, start, top in rows
        if top is not None and abs((top - start).days) <= START_WINDOW_DAYS
    )
    return {"start_tops_due": len(rows), "start_tops_on_time": on_time}


def completeness(cohort: Cohort) -> dict:
    return _completeness(_completeness_rows(cohort))


def _item_totals(row: dict, declined: list[str]) -> dict:
    totals = {}
    for name, item in SUBSTANCE_ITEMS.items():
        weeks = row[item]
        totals[name] = None if weeks is None or item in declined else sum(weeks)
    for item in SCORE_ITEMS:
        totals[item] = None if item in declined else row[item]
    return totals


def _pairs(cohort: Cohort) -> list[tuple[str, dict, dict]]:
    """(service code, start totals, review totals) for each paired episode."""
    columns = ["episode_id", "stage", "top_date", "declined", *SUBSTANCE_ITEMS.values()]
    columns += list(SCORE_ITEMS)
    tops = (
        TreatmentOutcomesProfile.objects.filter(
            episode__in=_episodes(cohort).values("pk"),
            stage__in=(Stage.START, Stage.REVIEW),
            top_date__lte=cohort.as_of,
        )
        .annotate(service_code=F("episode__referral__service__code"))
        .order_by("episode_id", "top_date", "pk")
        .values("service_code", *columns)
    )
    starts: dict[int, dict] = {}
    reviews: dict[int, list[dict]] = {}
    for row in tops:
        if row["stage"] == Stage.START:
            starts.setdefault(row["episode_id"], row)
        else:
            reviews.setdefault(row["episode_id"], []).append(row)
    result = []
    for episode_id, start in starts.items():
        for review in reviews.get(episode_id, ()):  # oldest first
            gap = (review["top_date"] - start["top_date"]).days
            if PAIR_MIN_DAYS <= gap <= PAIR_MAX_DAYS:
                result.append(
                    (
                        start["service_code"],
                        _item_totals(start, start["declined"]),
                        _item_totals(review, review["declined"]),
                    )
                )
                break
    return result


def pairs(cohort: Cohort) -> list[tuple[dict, dict]]:
    """(start, review) item totals for each paired episode."""
    return [(a, b) for _, a, b in _pairs(cohort)]


def _mean(values: list) -> float | None:
    return float(statistics.fmean(values)) if values else None


def substance_figures(paired: list[tuple[dict, dict]], name: str) -> dict:
    users = [
        (a[name], b[name])
        for a, b in paired
        if a[name] is not None and b[name] is not None and a[name] > 0
    ]
    return {
        "using_at_start": len(users),
        "abstinent_at_review": sum(1 for _, b in users if b == 0),
        "mean_days_start": _mean([a for a, _ in users]),
        "mean_days_review": _mean([b for _, b in users]),
    }


def score_figures(paired: list[tuple[dict, dict]], item: str) -> dict:
    changes = [b[item] - a[item] for a, b in paired if a[item] is not None and b[item] is not None]
    n = len(changes)
    mean = _mean(changes)
    sd = statistics.stdev(changes) if n >= 2 else None
    return {"n": n, "mean_change": mean, "ci95": t_interval(n, mean, sd)}


def _figures(completeness_rows, paired: list[tuple[dict, dict]]) -> dict:
    out: dict = _completeness(completeness_rows) | {"pairs": len(paired)}
    for name in SUBSTANCE_ITEMS:
        out[name] = substance_figures(paired, name)
    for item in SCORE_ITEMS:
        out[item] = score_figures(paired, item)
    return out


def top(cohort: Cohort) -> dict:
    """The `top` object of `manage.py metrics --json`."""
    return _figures(_completeness_rows(cohort), pairs(cohort))


def top_by_service(cohort: Cohort) -> tuple[dict, dict[str, dict]]:
    """top() for the whole cohort and for each service in it, from the same
    two queries (the quarterly return's)."""
    rows = _completeness_rows(cohort)
    paired = _pairs(cohort)
    codes = sorted({r[0] for r in rows} | {p[0] for p in paired})
    by_service = {
        code: _figures(
            [r for r in rows if r[0] == code], [(a, b) for c, a, b in paired if c == code]
        )
        for code in codes
    }
    return _figures(rows, [(a, b) for _, a, b in paired]), by_service
