"""The writes of the contingency management files, after every check has
passed. Plans match by (episode, start date), tests by (plan, scheduled
date), vouchers by (plan, date, amount). An imported plan keeps exactly the
tests the file gives: no schedule is generated. Where the file gives an
episode several plans, each but the last is ended the day before the next
one starts (one open plan per episode)."""

import datetime as dt
from decimal import Decimal

from contingency.models import CMPlan, DrugTest, VoucherIssue
from interchange.staging import fetch
from keywork.models import Episode


def _plan_lookup(refs: set[str]) -> dict[str, list[CMPlan]]:
    out: dict[str, list[CMPlan]] = {}
    for plan in CMPlan.objects.filter(episode__reference__in=refs).select_related("episode"):
        out.setdefault(plan.episode.reference, []).append(plan)
    for plans in out.values():
        plans.sort(key=lambda p: p.start_date)
    return out


def _plan_on(plans: list[CMPlan], day: dt.date) -> CMPlan:
    return [p for p in plans if p.start_date <= day][-1]


def write_plans() -> tuple[int, int]:
    rows = fetch(
        "SELECT episode_ref, start_date, weeks, voucher_base, voucher_step, voucher_max "
        "FROM stage_cm_plans ORDER BY episode_ref, start_date"
    )
    refs = {r[0] for r in rows}
    episodes = dict(Episode.objects.filter(reference__in=refs).values_list("reference", "pk"))
    existing = _plan_lookup(refs)
    new = changed = 0
    by_episode: dict[str, list] = {}
    for row in rows:
        by_episode.setdefault(row[0], []).append(row)
    for ref, plan_rows in by_episode.items():
        known = {p.start_date: p for p in existing.get(ref, [])}
        # Close first, so that the partial unique index never sees two open plans.
        starts = [r[1] for r in plan_rows]
        for i, (_, start, weeks, base, step, top) in enumerate(plan_rows):
            closed_on = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
            plan = known.get(start)
            values = {
                "weeks": weeks,
                "voucher_base": Decimal(base),
                "voucher_step": Decimal(step),
                "voucher_max": Decimal(top),
                "closed_on": closed_on,
            }
            if plan is None:
                if closed_on is None:
                    CMPlan.objects.filter(episode_id=episodes[ref], closed_on__isnull=True).update(
                        closed_on=start - dt.timedelta(days=1)
                    )
                CMPlan.objects.create(episode_id=episodes[ref], start_date=start, **values)
                new += 1
            elif any(getattr(plan, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(plan, k, v)
                plan.save(update_fields=list(values))
                changed += 1
    return new, changed


def write_tests() -> tuple[int, int]:
    rows = fetch(
        "SELECT episode_ref, scheduled_date, tested_date, sample, result, substances_positive "
        "FROM stage_drug_tests ORDER BY line"
    )
    plans = _plan_lookup({r[0] for r in rows})
    existing = {
        (t.plan_id, t.scheduled_date): t
        for t in DrugTest.objects.filter(plan__in=[p for ps in plans.values() for p in ps])
    }
    new_tests = []
    changed = 0
    for ref, scheduled, tested, sample, result, substances in rows:
        plan = _plan_on(plans[ref], scheduled)
        values = {
            "tested_date": tested,
            "sample": sample or "",
            "result": result or "",
            "substances_positive": sorted(substances or []),
        }
        test = existing.get((plan.pk, scheduled))
        if test is None:
            new_tests.append(DrugTest(plan=plan, scheduled_date=scheduled, **values))
        elif any(getattr(test, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(test, k, v)
            test.save(update_fields=list(values))
            changed += 1
    DrugTest.objects.bulk_create(new_tests)
    return len(new_tests), changed


def write_vouchers() -> tuple[int, int]:
    rows = fetch("SELECT episode_ref, issued_date, amount FROM stage_vouchers_issued ORDER BY line")
    plans = _plan_lookup({r[0] for r in rows})
    existing = set(
        VoucherIssue.objects.filter(plan__in=[p for ps in plans.values() for p in ps]).values_list(
            "plan_id", "issued_date", "amount"
        )
    )
    new = []
    for ref, day, amount in rows:
        plan = _plan_on(plans[ref], day)
        if (plan.pk, day, Decimal(amount)) not in existing:
            new.append(VoucherIssue(plan=plan, issued_date=day, amount=Decimal(amount)))
    VoucherIssue.objects.bulk_create(new)
    return len(new), 0


CM_WRITERS = [
    ("cm_plans.csv", write_plans),
    ("drug_tests.csv", write_tests),
    ("vouchers_issued.csv", write_vouchers),
]
