"""The cross-row rules of the contingency management files, run after the
staging of every file (checks.run_all): references resolve, a plan belongs
to a Tier 3 or 4 episode, tests and vouchers fall within a plan, and the
vouchers issued never pass what the plan's tests had earned by that day.

The files are small beside contacts (a plan has a few dozen tests), so the
rules that need a plan's tests in order run in Python over the staged rows
(and, for a plan already in the database, its stored tests and vouchers)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from contingency import vouchers
from contingency.models import CMPlan
from interchange.bundle import Problem
from interchange.staging import fetch

PLANS, TESTS, VOUCHERS = "cm_plans.csv", "drug_tests.csv", "vouchers_issued.csv"


def _episodes(refs: set[str]) -> dict[str, tuple]:
    """ref -> (tier, service code, start, end): the bundle's row, else the database's."""
    if not refs:
        return {}
    out = {}
    for ref, tier, code, start, end in fetch(
        """
        SELECT e.reference, e.tier, sv.code, e.start_date, e.end_date
        FROM keywork_episode e JOIN clients_referral r ON r.id = e.referral_id
        JOIN services_service sv ON sv.id = r.service_id
        WHERE e.reference = ANY(%s)
        """,
        [list(refs)],
    ):
        out[ref] = (tier, code, start, end)
    for ref, tier, code, start, end in fetch(
        """
        SELECT s.episode_ref, s.tier, rr.service_code, s.start_date, s.end_date
        FROM stage_episodes s LEFT JOIN res_referral rr ON rr.ref = s.referral_ref
        WHERE s.episode_ref = ANY(%s)
        """,
        [list(refs)],
    ):
        out[ref] = (tier, code, start, end)
    return out


def _plan_of(plans: list[tuple], day: dt.date):
    """The plan (start, ...) a dated row belongs to: the latest started by that day."""
    chosen = None
    for plan in plans:
        if plan[0] <= day:
            chosen = plan
    return chosen


def run(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    if broken & {PLANS, TESTS, VOUCHERS, "episodes.csv"}:
        return []
    staged_plans = fetch(
        "SELECT line, episode_ref, start_date, weeks, voucher_base, voucher_step, voucher_max "
        "FROM stage_cm_plans WHERE NOT bad ORDER BY line"
    )
    tests = fetch(
        "SELECT line, episode_ref, scheduled_date, tested_date, result "
        "FROM stage_drug_tests WHERE NOT bad ORDER BY line"
    )
    issued = fetch(
        "SELECT line, episode_ref, issued_date, amount FROM stage_vouchers_issued "
        "WHERE NOT bad ORDER BY line"
    )
    refs = {r[1] for r in staged_plans} | {r[1] for r in tests} | {r[1] for r in issued}
    episodes = _episodes(refs)
    problems: list[Problem] = []

    # Plans: the bundle's rows and, for episodes it does not give plans
    # for, the database's, as (start, base, step, max, key).
    plans: dict[str, list[tuple]] = defaultdict(list)
    for line, ref, start, _weeks, base, step, top in staged_plans:
        episode = episodes.get(ref)
        if episode is None:
            problems.append(
                Problem(
                    PLANS,
                    line,
                    "episode_ref",
                    "episode_ref matches no episode in episodes.csv or the database",
                )
            )
            continue
        tier, code, ep_start, ep_end = episode
        if tier not in (3, 4):
            problems.append(
                Problem(PLANS, line, "episode_ref", "CM plans are for Tier 3 and 4 episodes")
            )
        if allowed is not None and code not in allowed:
            problems.append(
                Problem(
                    PLANS, line, "episode_ref", "the episode belongs to a service you do not manage"
                )
            )
        if start < ep_start:
            problems.append(
                Problem(PLANS, line, "start_date", f"before the episode started ({ep_start})")
            )
        elif ep_end is not None and start > ep_end:
            problems.append(
                Problem(PLANS, line, "start_date", f"after the episode ended ({ep_end})")
            )
        plans[ref].append((start, base, step, top, ("file", line)))
    for plan in CMPlan.objects.filter(episode__reference__in=refs - set(plans)).values_list(
        "episode__reference", "start_date", "voucher_base", "voucher_step", "voucher_max", "pk"
    ):
        plans[plan[0]].append((plan[1], plan[2], plan[3], plan[4], ("db", plan[5])))
    for ref in plans:
        plans[ref].sort()

    def plan_for(file: str, line: int, ref: str, day: dt.date, column: str):
        if ref not in episodes:
            problems.append(
                Problem(
                    file,
                    line,
                    "episode_ref",
                    "episode_ref matches no episode in episodes.csv or the database",
                )
            )
            return None
        if allowed is not None and episodes[ref][1] not in allowed:
            problems.append(
                Problem(
                    file, line, "episode_ref", "the episode belongs to a service you do not manage"
                )  # fmt: skip
            )
            return None
        plan = _plan_of(plans.get(ref, []), day)
        if plan is None:
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    "no CM plan of this episode had started "
                    "by this date (cm_plans.csv or the database)",
                )
            )
        return plan

    by_plan_tests: dict[tuple, list] = defaultdict(list)
    for line, ref, scheduled, tested, result in tests:
        plan = plan_for(TESTS, line, ref, scheduled, "scheduled_date")
        if plan is None:
            continue
        if tested is not None and tested < plan[0]:
            problems.append(
                Problem(TESTS, line, "tested_date", f"before the plan started ({plan[0]})")
            )
        by_plan_tests[(ref, plan[4])].append(
            SimpleNamespace(scheduled_date=scheduled, tested_date=tested, result=result or "")
        )
    by_plan_vouchers: dict[tuple, list] = defaultdict(list)
    for line, ref, day, amount in issued:
        plan = plan_for(VOUCHERS, line, ref, day, "issued_date")
        if plan is None:
            continue
        by_plan_vouchers[(ref, plan[4], plan[1], plan[2], plan[3])].append(
            SimpleNamespace(issued_date=day, amount=Decimal(amount), line=line)
        )
    for (ref, key, base, step, top), given in by_plan_vouchers.items():
        plan_tests = by_plan_tests.get((ref, key), [])
        if key[0] == "db" and not plan_tests:
            plan_tests = [
                SimpleNamespace(scheduled_date=s, tested_date=t, result=r)
                for s, t, r in CMPlan.objects.get(pk=key[1]).tests.values_list(
                    "scheduled_date", "tested_date", "result"
                )
            ]
        over = vouchers.overdrawn(plan_tests, given, vouchers.Schedule(base, step, top))
        if over is not None:
            voucher, total, earned = over
            problems.append(
                Problem(
                    VOUCHERS,
                    voucher.line,
                    "amount",
                    f"beyond the balance: {vouchers.gbp(total)} issued by {voucher.issued_date} "
                    f"against {vouchers.gbp(earned)} earned",
                )
            )
    return problems
