"""Reads for contingency management. A plan is read whole (its tests and
vouchers, two prefetches) and priced in Python by contingency.vouchers."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from contingency import vouchers
from contingency.models import CMPlan, DrugTest
from nectos import clock


@dataclass
class PlanSummary:
    plan: CMPlan
    priced: list[vouchers.Priced]
    earned: Decimal
    issued: Decimal
    balance: Decimal
    current_run: int
    longest_run: int
    next_value: Decimal
    negatives: int
    missed: int
    due_today: DrugTest | None

    @property
    def has_result(self) -> bool:
        return any(p.test.result for p in self.priced)


def plan_summary(plan: CMPlan, today: dt.date | None = None) -> PlanSummary:
    """Uses plan.tests.all() and plan.vouchers.all(): prefetch them for a list."""
    today = today or clock.today()
    schedule = vouchers.schedule_of(plan)
    priced = vouchers.price(list(plan.tests.all()), schedule, today)
    issued = sum((v.amount for v in plan.vouchers.all()), vouchers.ZERO)
    earned = vouchers.earned(priced)
    run = vouchers.current_run(priced)
    for p in priced:
        p.week = (p.test.scheduled_date - plan.start_date).days // 7 + 1
    return PlanSummary(
        plan=plan,
        priced=priced,
        earned=earned,
        issued=issued,
        balance=earned - issued,
        current_run=run,
        longest_run=vouchers.longest_run(priced),
        next_value=schedule.value(run + 1),
        negatives=sum(1 for p in priced if p.status == vouchers.NEGATIVE),
        missed=sum(1 for p in priced if p.status == vouchers.MISSED),
        due_today=next(
            (p.test for p in priced if p.test.scheduled_date == today and not p.test.result),
            None,
        ),
    )


def plans_with_records() -> QuerySet:
    return CMPlan.objects.select_related("episode__referral__client").prefetch_related(
        "tests", "vouchers"
    )


def current_plan(episode) -> CMPlan | None:
    """The open plan, else the latest, from a prefetched episode.cm_plans."""
    plans = list(episode.cm_plans.all())
    open_plans = [p for p in plans if p.is_open]
    if open_plans:
        return open_plans[0]
    return plans[-1] if plans else None


def tests_due_on(episode_pks: list[int], day: dt.date) -> dict[int, DrugTest]:
    """The test due that day with no result yet, by episode: one query."""
    due = DrugTest.objects.filter(
        plan__episode_id__in=episode_pks, plan__closed_on__isnull=True, scheduled_date=day
    ).filter(result="")
    return {test.plan.episode_id: test for test in due.select_related("plan")}


def todays_tests(user, day: dt.date) -> list[DrugTest]:
    """The tests scheduled for the day (recorded or not) in the services
    where the user works with clients: one query."""
    return list(
        DrugTest.objects.visible_to(user)
        .filter(scheduled_date=day)
        .select_related(
            "plan__episode__referral__client",
            "plan__episode__referral__service",
            "plan__episode__keyworker",
        )
        .order_by(
            "plan__episode__referral__service__code",
            "plan__episode__referral__client__initials",
            "pk",
        )
    )
