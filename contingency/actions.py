"""Writes for contingency management: keyword-only, one transaction each,
history through pghistory with the acting user.

Every write that can change the ledger (a test result, a voucher) first
locks the plan's row, so two writes to one plan run one after the other and
the balance each one checks is the balance it leaves."""

import datetime as dt
from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clients.models import Substance
from contingency import vouchers
from contingency.models import (
    CMPlan,
    DrugTest,
    SampleType,
    TestResult,
    VoucherIssue,
    settings_for,
)
from contingency.schedule import scheduled_dates
from keywork.models import Episode
from nectos import clock
from services.models import Tier, User

CM_TIERS = (Tier.STRUCTURED, Tier.RESIDENTIAL)


def _schedule_errors(base, step, top) -> dict[str, str]:
    errors = {}
    for field, value in (("voucher_base", base), ("voucher_step", step), ("voucher_max", top)):
        if value is None or value < 0:
            errors[field] = "Enter an amount of £0.00 or more."
    if not errors and top < base:
        errors["voucher_max"] = "The maximum cannot be below the first voucher."
    return errors


def cm_plan_start(
    *,
    acting_user: User,
    episode: Episode,
    start_date: dt.date,
    weeks: int = 12,
    voucher_base: Decimal | None = None,
    voucher_step: Decimal | None = None,
    voucher_max: Decimal | None = None,
) -> CMPlan:
    """Start a plan on an open Tier 3 or 4 episode and schedule its tests."""
    defaults = settings_for(episode.referral.service)
    base = defaults.voucher_base if voucher_base is None else voucher_base
    step = defaults.voucher_step if voucher_step is None else voucher_step
    top = defaults.voucher_max if voucher_max is None else voucher_max
    errors = _schedule_errors(base, step, top)
    if episode.tier not in CM_TIERS:
        errors["start_date"] = "Contingency management runs in Tier 3 and Tier 4 episodes."
    elif not episode.is_open:
        errors["start_date"] = "The episode has ended."
    elif start_date < episode.start_date:
        errors["start_date"] = "The plan cannot start before the episode started."
    elif start_date > clock.today() + dt.timedelta(days=28):
        errors["start_date"] = "Start the plan within the next four weeks."
    if not 1 <= weeks <= 52:
        errors["weeks"] = "A plan lasts 1 to 52 weeks."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        # The open-plan check under a lock on the episode; the partial unique
        # constraint is the backstop.
        Episode.objects.select_for_update().get(pk=episode.pk)
        if CMPlan.objects.open().filter(episode=episode).exists():
            raise ValidationError(
                {"start_date": "This episode already has an open CM plan: end it first."}
            )
        try:
            with transaction.atomic():
                plan = CMPlan.objects.create(
                    episode=episode,
                    start_date=start_date,
                    weeks=weeks,
                    voucher_base=base,
                    voucher_step=step,
                    voucher_max=top,
                    created_by=acting_user,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"start_date": "This episode already has a CM plan starting that day."}
            ) from exc
        DrugTest.objects.bulk_create(
            DrugTest(plan=plan, scheduled_date=day)
            for day in scheduled_dates(start_date, weeks, defaults.weekdays)
        )
    return plan


def cm_plan_update(
    *,
    acting_user: User,
    plan: CMPlan,
    voucher_base: Decimal,
    voucher_step: Decimal,
    voucher_max: Decimal,
) -> CMPlan:
    """Change a plan's voucher schedule: only before its first test result."""
    errors = _schedule_errors(voucher_base, voucher_step, voucher_max)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan = CMPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.tests.exclude(result="").exists():
            raise ValidationError("The voucher schedule is fixed once a test result is recorded.")
        plan.voucher_base, plan.voucher_step, plan.voucher_max = (
            voucher_base,
            voucher_step,
            voucher_max,
        )
        plan.save(update_fields=["voucher_base", "voucher_step", "voucher_max"])
    return plan


def cm_plan_close(*, acting_user: User, plan: CMPlan, closed_on: dt.date) -> CMPlan:
    """End a plan: its tests still to come are removed, its record stays."""
    if closed_on < plan.start_date:
        raise ValidationError({"closed_on": "A plan cannot end before it started."})
    if closed_on > clock.today():
        raise ValidationError({"closed_on": "The end date cannot be after today."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan = CMPlan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_open:
            raise ValidationError("This plan has already ended.")
        plan.tests.filter(scheduled_date__gt=closed_on, result="").delete()
        plan.closed_on = closed_on
        plan.save(update_fields=["closed_on"])
    return plan


def drug_test_move(*, acting_user: User, test: DrugTest, scheduled_date: dt.date) -> DrugTest:
    """Move a test that has no result yet to another day."""
    if test.result:
        raise ValidationError("A test with a result cannot be moved: correct its result instead.")
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan = CMPlan.objects.select_for_update().get(pk=test.plan_id)
        if scheduled_date < plan.start_date:
            raise ValidationError({"scheduled_date": "A test cannot be before the plan started."})
        if plan.tests.filter(scheduled_date=scheduled_date).exclude(pk=test.pk).exists():
            raise ValidationError(
                {"scheduled_date": "The plan already has a test that day: choose another day."}
            )
        test.scheduled_date = scheduled_date
        test.save(update_fields=["scheduled_date"])
    return test


def _result_errors(
    test: DrugTest, tested_date: dt.date, sample: str, result: str, substances: list[str]
) -> dict[str, str]:
    errors = {}
    if result not in TestResult.values:
        errors["result"] = "Choose negative, positive, invalid or refused."
    if sample not in SampleType.values:
        errors["sample"] = "Choose urine or oral fluid."
    if tested_date > clock.today():
        errors["tested_date"] = "The test date cannot be after today."
    elif tested_date < test.plan.start_date:
        errors["tested_date"] = "The test date cannot be before the plan started."
    if result == TestResult.POSITIVE and not substances:
        errors["substances_positive"] = "Choose the substances the test was positive for."
    elif result != TestResult.POSITIVE and substances:
        errors["substances_positive"] = "Substances are recorded for a positive result only."
    elif substances:
        known = set(Substance.objects.filter(code__in=substances).values_list("code", flat=True))
        unknown = [code for code in substances if code not in known]
        if unknown:
            errors["substances_positive"] = f"Unknown substance: {', '.join(unknown)}."
    return errors


def drug_test_record(
    *,
    acting_user: User,
    test: DrugTest,
    result: str,
    sample: str = SampleType.URINE,
    tested_date: dt.date | None = None,
    substances_positive: list[str] | None = None,
) -> vouchers.Priced:
    """Record (or correct) a test's result. Returns the test as priced now:
    what it earned and the run it makes. A correction that would leave more
    vouchers issued than earned is refused."""
    tested_date = tested_date or clock.today()
    substances = list(dict.fromkeys(substances_positive or []))
    errors = _result_errors(test, tested_date, sample, result, substances)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan = CMPlan.objects.select_for_update().get(pk=test.plan_id)
        test = plan.tests.get(pk=test.pk)
        test.tested_date, test.sample, test.result = tested_date, sample, result
        test.substances_positive = substances
        test.recorded_by = acting_user
        tests = [t if t.pk != test.pk else test for t in plan.tests.all()]
        schedule = vouchers.schedule_of(plan)
        problem = vouchers.overdrawn(tests, list(plan.vouchers.all()), schedule)
        if problem:
            _, issued, earned = problem
            raise ValidationError(
                {
                    "result": (
                        f"This result would leave {vouchers.gbp(issued)} of vouchers issued "
                        f"against {vouchers.gbp(earned)} earned. Check the result, or ask a "
                        "manager to correct the vouchers first."
                    )
                }
            )
        test.save(
            update_fields=["tested_date", "sample", "result", "substances_positive", "recorded_by"]
        )
    priced = vouchers.price(tests, schedule, clock.today())
    return next(p for p in priced if p.test.pk == test.pk)


def voucher_issue(
    *, acting_user: User, plan: CMPlan, amount: Decimal, issued_date: dt.date | None = None
) -> VoucherIssue:
    """Issue vouchers: never more than the balance on the day they are issued."""
    issued_date = issued_date or clock.today()
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "Enter an amount above £0.00."
    if issued_date > clock.today():
        errors["issued_date"] = "The issue date cannot be after today."
    elif issued_date < plan.start_date:
        errors["issued_date"] = "The issue date cannot be before the plan started."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan = CMPlan.objects.select_for_update().get(pk=plan.pk)
        voucher = VoucherIssue(plan=plan, issued_date=issued_date, amount=amount)
        existing = list(plan.vouchers.all())
        problem = vouchers.overdrawn(
            list(plan.tests.all()), [*existing, voucher], vouchers.schedule_of(plan)
        )
        if problem:
            left = vouchers.balance(
                list(plan.tests.all()), existing, vouchers.schedule_of(plan), issued_date
            )
            raise ValidationError(
                {
                    "amount": (
                        "That is more than the balance: "
                        f"{vouchers.gbp(max(left, vouchers.ZERO))} on {issued_date:%-d %B %Y}."
                    )
                }
            )
        voucher.issued_by = acting_user
        voucher.save()
    return voucher
