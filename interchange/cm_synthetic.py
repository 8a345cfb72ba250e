"""Contingency management for the demo and the national data set: plans
for a share of the crack clients in Tier 3 and 4, with realistic results.

Who stays does better: a client whose episode goes on past the plan (or
ends completed) tests negative more often, and more so week by week; one
who leaves early tests negative less often and misses more tests, and the
plan stops at the episode's end. Vouchers are handed out about weekly, up
to the balance of the day (never beyond it). Everything follows the
seeded random generator, so a seed gives the same data."""

import csv
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from contingency import vouchers
from contingency.models import DEFAULT_BASE, DEFAULT_MAX, DEFAULT_STEP, DEFAULT_WEEKS
from contingency.schedule import scheduled_dates
from interchange.resources import (
    CMPlanResource,
    DrugTestResource,
    VoucherIssueResource,
)

SHARE_WITH_PLAN = 0.3
WEEKDAYS = (0, 1, 2, 3, 4)
COMPLETED = ("completed_drug_free", "completed_occasional_user")


@dataclass(frozen=True)
class CMEpisode:
    key: int | str  # the episode's ref (bundle) or id (national)
    tier: int
    start: dt.date
    end: dt.date | None
    reason: str | None


@dataclass
class CMPlanRows:
    key: int | str
    start: dt.date
    tests: list[tuple]  # (scheduled, tested, sample, result, substances)
    vouchers: list[tuple]  # (issued, amount)


def _result(rng: random.Random, p_negative: float, p_missed: float) -> str:
    draw = rng.random()
    if draw < p_missed:
        return ""
    draw = rng.random()
    if draw < 0.02:
        return "invalid"
    if draw < 0.05:
        return "refused"
    return "negative" if rng.random() < p_negative else "positive"


def plans_for(
    episodes: Iterable[CMEpisode], rng: random.Random, as_of: dt.date
) -> Iterator[CMPlanRows]:
    schedule = vouchers.Schedule(DEFAULT_BASE, DEFAULT_STEP, DEFAULT_MAX)
    for episode in episodes:
        if episode.tier not in (3, 4) or rng.random() >= SHARE_WITH_PLAN:
            continue
        start = episode.start + dt.timedelta(days=rng.randrange(0, 15))
        last = min(
            episode.end or as_of + dt.timedelta(days=120),
            start + dt.timedelta(days=7 * DEFAULT_WEEKS - 1),
        )
        if start > as_of or start > last:
            continue
        stays = (
            episode.end is None
            or episode.end >= start + dt.timedelta(days=84)
            or (episode.reason in COMPLETED)
        )
        p_neg, p_missed = (0.55, 0.08) if stays else (0.25, 0.3)
        rows: list[tuple[dt.date, dt.date | None, str | None, str | None, tuple[str, ...]]] = []
        for day in scheduled_dates(start, DEFAULT_WEEKS, WEEKDAYS):
            if day > last:
                break
            if day >= as_of:
                rows.append((day, None, None, None, ()))
                continue
            week = (day - start).days // 7
            result = _result(rng, min(p_neg + (0.025 * week if stays else 0), 0.9), p_missed)
            if not result:
                rows.append((day, None, None, None, ()))
                continue
            tested = min(day + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1))), as_of)
            sample = "urine" if rng.random() < 0.8 else "oral_fluid"
            substances: tuple[str, ...] = ()
            if result == "positive":
                substances = ("crack",) if rng.random() < 0.7 else ("cocaine", "crack")
            rows.append((day, tested, sample, result, substances))
        tests = [
            SimpleNamespace(scheduled_date=d, tested_date=t, result=r or "")
            for d, t, _s, r, _x in rows
        ]
        issued: list[tuple] = []
        paid = Decimal(0)
        day = start + dt.timedelta(days=7)
        while day <= min(last, as_of):
            balance = vouchers.earned(vouchers.price(tests, schedule, day)) - paid
            if balance > 0 and rng.random() < 0.85:
                issued.append((day, balance))
                paid += balance
            day += dt.timedelta(days=7)
        yield CMPlanRows(episode.key, start, rows, issued)


def write_cm_files(folder: Path, rng: random.Random, as_of: dt.date) -> None:
    """Add the CM files to a demo bundle already holding referrals.csv and
    episodes.csv: plans for a share of the crack clients' episodes."""
    with open(folder / "referrals.csv", encoding="utf-8", newline="") as handle:
        crack = {row["referral_ref"] for row in csv.DictReader(handle)
                 if row["primary_substance"] == "crack"}  # fmt: skip
    with open(folder / "episodes.csv", encoding="utf-8", newline="") as handle:
        episodes = [
            CMEpisode(
                row["episode_ref"],
                int(row["tier"]),
                dt.date.fromisoformat(row["start_date"]),
                dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None,
                row["discharge_reason"] or None,
            )
            for row in csv.DictReader(handle)
            if row["referral_ref"] in crack
        ]
    plans = list(plans_for(sorted(episodes, key=lambda e: e.key), rng, as_of))
    files = [CMPlanResource(), DrugTestResource(), VoucherIssueResource()]
    handles = [open(folder / r.file_name, "w", encoding="utf-8", newline="") for r in files]  # noqa: SIM115
    try:
        writers = [csv.writer(h, lineterminator="\n") for h in handles]
        widgets = [[f.widget for f in r.fields.values()] for r in files]
        for writer, resource in zip(writers, files, strict=True):
            writer.writerow(resource.columns)

        def put(i: int, values: tuple) -> None:
            writers[i].writerow([w.render(v) for w, v in zip(widgets[i], values, strict=True)])

        for plan in plans:
            put(0, (plan.key, plan.start, DEFAULT_WEEKS, DEFAULT_BASE, DEFAULT_STEP, DEFAULT_MAX))
            for day, tested, sample, result, substances in plan.tests:
                put(1, (plan.key, day, tested, sample, result, substances))
            for day, amount in plan.vouchers:
                put(2, (plan.key, day, amount))
    finally:
        for h in handles:
            h.close()


def create_cm_plans(rng: random.Random, as_of: dt.date) -> int:
    """The national data set: plans straight into the database (bulk)."""
    from contingency.models import CMPlan, DrugTest, VoucherIssue
    from keywork.models import Episode

    episodes = [
        CMEpisode(pk, tier, start, end, reason)
        for pk, tier, start, end, reason in Episode.objects.filter(
            referral__primary_substance_id="crack"
        )
        .order_by("pk")
        .values_list("pk", "tier", "start_date", "end_date", "discharge_reason_id")
    ]
    made = list(plans_for(episodes, rng, as_of))
    plans = CMPlan.objects.bulk_create(
        CMPlan(
            episode_id=p.key,
            start_date=p.start,
            weeks=DEFAULT_WEEKS,
            voucher_base=DEFAULT_BASE,
            voucher_step=DEFAULT_STEP,
            voucher_max=DEFAULT_MAX,
        )
        for p in made
    )
    DrugTest.objects.bulk_create(
        (
            DrugTest(
                plan=plan,
                scheduled_date=day,
                tested_date=tested,
                sample=sample or "",
                result=result or "",
                substances_positive=list(substances),
            )
            for plan, p in zip(plans, made, strict=True)
            for day, tested, sample, result, substances in p.tests
        ),
        batch_size=5000,
    )
    VoucherIssue.objects.bulk_create(
        (
            VoucherIssue(plan=plan, issued_date=day, amount=amount)
            for plan, p in zip(plans, made, strict=True)
            for day, amount in p.vouchers
        ),
        batch_size=5000,
    )
    return len(plans)
