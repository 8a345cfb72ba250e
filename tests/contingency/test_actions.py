"""Plans, tests and vouchers through the actions, on PostgreSQL."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contingency import actions, queries
from contingency.models import CMPlan, DrugTest, ServiceCMSettings
from nectos import clock
from tests.contingency.helpers import make_episode, set_tests, start_plan

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_starting_a_plan_schedules_its_tests_on_opening_days(episode_a, alice):
    plan = start_plan(episode_a, alice)
    dates = list(plan.tests.values_list("scheduled_date", flat=True))
    assert len(dates) == 21  # 3 x 3 + 2 x 3 + 1 x 6
    assert all(d.weekday() < 5 for d in dates)
    assert (plan.voucher_base, plan.voucher_step, plan.voucher_max) == (
        Decimal("2.00"),
        Decimal("1.00"),
        Decimal("10.00"),
    )


def test_a_plan_takes_the_service_settings(episode_a, alice, service_a):
    ServiceCMSettings.objects.create(service=service_a, voucher_base=Decimal("3"), opening_days="5")
    plan = start_plan(episode_a, alice, weeks=2)
    assert plan.voucher_base == Decimal("3.00")
    assert {d.weekday() for d in plan.tests.values_list("scheduled_date", flat=True)} == {5}


def test_one_open_plan_per_episode(episode_a, alice):
    start_plan(episode_a, alice, days_ago=7)
    with pytest.raises(ValidationError, match="already has an open CM plan"):
        start_plan(episode_a, alice)


def test_the_database_refuses_a_second_open_plan(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        CMPlan.objects.create(
            episode=episode_a,
            start_date=clock.today(),
            voucher_base=plan.voucher_base,
            voucher_step=plan.voucher_step,
            voucher_max=plan.voucher_max,
        )


def test_a_new_plan_after_the_last_one_ended(episode_a, alice):
    first = start_plan(episode_a, alice, days_ago=7)
    actions.cm_plan_close(acting_user=alice, plan=first, closed_on=clock.today())
    assert start_plan(episode_a, alice).is_open
    assert not first.tests.filter(scheduled_date__gt=clock.today()).exists()


def test_tier_2_and_ended_episodes_get_no_plan(alice, service_a):
    tier2 = make_episode(service_a, alice, tier=2)
    with pytest.raises(ValidationError, match="Tier 3 and Tier 4"):
        start_plan(tier2, alice)


def test_the_voucher_schedule_is_editable_until_the_first_result(plan_a, alice):
    actions.cm_plan_update(
        acting_user=alice,
        plan=plan_a,
        voucher_base=Decimal("4"),
        voucher_step=Decimal("2"),
        voucher_max=Decimal("12"),
    )
    test = plan_a.tests.first()
    actions.drug_test_record(acting_user=alice, test=test, result="negative")
    with pytest.raises(ValidationError, match="fixed once a test result"):
        actions.cm_plan_update(
            acting_user=alice,
            plan=plan_a,
            voucher_base=Decimal("5"),
            voucher_step=Decimal("2"),
            voucher_max=Decimal("12"),
        )


def test_recording_returns_the_voucher_and_the_run(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=3)
    tests = set_tests(plan, (0, "negative"), (1, "negative"), (2, "negative"), (3, ""))
    priced = actions.drug_test_record(acting_user=alice, test=tests[3], result="negative")
    assert (priced.earned, priced.run) == (Decimal("5.00"), 4)


def test_correcting_a_past_test_reprices_the_later_ones(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=3)
    tests = set_tests(plan, (0, "negative"), (1, "negative"), (2, "negative"), (3, "negative"))
    assert queries.plan_summary(plan).earned == Decimal("14.00")
    actions.drug_test_record(
        acting_user=alice,
        test=tests[1],
        result="positive",
        tested_date=tests[1].scheduled_date,
        substances_positive=["crack"],
    )
    summary = queries.plan_summary(CMPlan.objects.get(pk=plan.pk))
    assert [p.earned for p in summary.priced] == [Decimal(v) for v in ("2", "0", "2", "3")]
    assert summary.earned == Decimal("7.00")


def test_the_history_keeps_who_changed_a_result(episode_a, alice, bob):
    plan = start_plan(episode_a, alice, days_ago=1)
    test = set_tests(plan, (0, ""))[0]
    actions.drug_test_record(acting_user=alice, test=test, result="negative")
    actions.drug_test_record(acting_user=bob, test=test, result="invalid")
    events = list(DrugTest.pgh_event_model.objects.filter(pgh_obj=test).order_by("pgh_id"))
    assert [e.result for e in events][-2:] == ["negative", "invalid"]
    assert events[-1].pgh_context.metadata["user"] == bob.pk


def test_substances_only_for_a_positive(plan_a, alice):
    test = plan_a.tests.first()
    with pytest.raises(ValidationError) as info:
        actions.drug_test_record(
            acting_user=alice, test=test, result="negative", substances_positive=["crack"]
        )
    assert "substances_positive" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.drug_test_record(acting_user=alice, test=test, result="positive")


def test_a_voucher_never_takes_the_ledger_below_zero(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=3)
    set_tests(plan, (0, "negative"), (1, "negative"))  # earned 2 + 3
    with pytest.raises(ValidationError, match="more than the balance: £5.00"):
        actions.voucher_issue(acting_user=alice, plan=plan, amount=Decimal("5.01"))
    actions.voucher_issue(acting_user=alice, plan=plan, amount=Decimal("5.00"))
    with pytest.raises(ValidationError, match="balance: £0.00"):
        actions.voucher_issue(acting_user=alice, plan=plan, amount=Decimal("0.01"))
    assert queries.plan_summary(CMPlan.objects.get(pk=plan.pk)).balance == Decimal("0.00")


def test_a_voucher_dated_before_the_negatives_were_earned_is_refused(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=3)
    set_tests(plan, (0, "negative"), (2, "negative"))
    with pytest.raises(ValidationError):
        actions.voucher_issue(
            acting_user=alice, plan=plan, amount=Decimal("3"), issued_date=plan.start_date
        )


def test_a_correction_that_would_overdraw_the_ledger_is_refused(episode_a, alice):
    plan = start_plan(episode_a, alice, days_ago=3)
    tests = set_tests(plan, (0, "negative"), (1, "negative"))
    actions.voucher_issue(acting_user=alice, plan=plan, amount=Decimal("5.00"))
    with pytest.raises(ValidationError, match="vouchers issued"):
        actions.drug_test_record(
            acting_user=alice, test=tests[1], result="refused", tested_date=tests[1].scheduled_date
        )
    assert DrugTest.objects.get(pk=tests[1].pk).result == "negative"


def test_a_test_is_missed_from_the_day_after_its_date(episode_a, alice):
    plan = start_plan(episode_a, alice)
    first = plan.tests.first()
    day = first.scheduled_date
    with time_machine.travel(dt.datetime.combine(day, dt.time(23, 59), tzinfo=LONDON), tick=False):
        assert queries.plan_summary(plan).priced[0].status == "pending"
    next_day = day + dt.timedelta(days=1)
    with time_machine.travel(
        dt.datetime.combine(next_day, dt.time(0, 1), tzinfo=LONDON), tick=False
    ):
        assert clock.today() == next_day
        assert queries.plan_summary(plan).priced[0].status == "missed"


def test_moving_a_test(plan_a, alice):
    test = plan_a.tests.first()
    later = test.scheduled_date + dt.timedelta(days=1)
    actions.drug_test_move(acting_user=alice, test=test, scheduled_date=later)
    assert DrugTest.objects.get(pk=test.pk).scheduled_date == later
