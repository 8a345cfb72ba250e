"""The engine's `cm` figures against a plain-Python reading of domain.md,
on random small cohorts; and the command's JSON."""

import datetime as dt
import json
import statistics
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contingency.models import CMPlan, DrugTest, VoucherIssue
from nectos import clock
from reporting.metrics.cm import KEYS, cm, cm_by_week
from reporting.metrics.cohort import Cohort
from tests.contingency.helpers import make_episode

pytestmark = pytest.mark.django_db

RESULTS = ["", "negative", "positive", "invalid", "refused"]

test_spec = st.tuples(
    st.integers(0, 90),  # scheduled, days after the plan's start
    st.sampled_from(RESULTS),
    st.integers(0, 4),  # tested, days after the scheduled day
)
plan_spec = st.fixed_dictionaries(
    {
        "service": st.sampled_from(["a", "b"]),
        "start_ago": st.integers(0, 80),
        "base": st.integers(0, 4),
        "step": st.integers(0, 3),
        "extra_max": st.integers(0, 6),
        "tests": st.lists(test_spec, max_size=10, unique_by=lambda t: t[0]),
        "vouchers": st.lists(st.tuples(st.integers(0, 90), st.integers(1, 9)), max_size=3),
    }
)


def reference(plans: list[dict], start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """domain.md read literally, with no code shared with the engine."""
    chosen = [p for p in plans if p["service"] == "a" and start <= p["start"] <= min(end, as_of)]
    scheduled = negative = missed = pending = 0
    earned = Decimal(0)
    longest_runs = []
    for p in chosen:
        run = longest = 0
        for day, result, tested in sorted(p["tests"]):
            if day > as_of:
                continue
            scheduled += 1
            known = result if (result and tested <= as_of) else ""
            if not known:
                if day < as_of:
                    known = "missed"
                else:
                    pending += 1
                    continue
            if known == "negative":
                negative += 1
                run += 1
                longest = max(longest, run)
                earned += min(p["base"] + p["step"] * (run - 1), p["max"])
            else:
                missed += known == "missed"
                run = 0
        longest_runs.append(longest)
    done = scheduled - pending
    issued = sum((Decimal(a) for p in chosen for d, a in p["vouchers"] if d <= as_of), Decimal(0))
    return {
        "plans": len(chosen),
        "tests_scheduled": scheduled,
        "tests_negative": negative,
        "tests_missed": missed,
        "share_negative": negative / done if done else None,
        "median_longest_run": float(statistics.median(longest_runs)) if longest_runs else None,
        "earned": float(earned),
        "issued": float(issued),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=st.lists(plan_spec, max_size=4), back=st.integers(0, 10))
def test_the_engine_matches_the_definitions(plans, back, service_a, service_b, alice, charlie):
    today = clock.today()
    as_of = today - dt.timedelta(days=back)
    start, end = today - dt.timedelta(days=60), today
    built = []
    with transaction.atomic():
        for spec in plans:
            service, worker = (service_a, alice) if spec["service"] == "a" else (service_b, charlie)
            plan_start = today - dt.timedelta(days=spec["start_ago"])
            episode = make_episode(service, worker, started_days_ago=spec["start_ago"] + 1)
            plan = CMPlan.objects.create(
                episode=episode,
                start_date=plan_start,
                voucher_base=spec["base"],
                voucher_step=spec["step"],
                voucher_max=spec["base"] + spec["extra_max"],
            )
            tests = []
            for offset, result, late in spec["tests"]:
                day = plan_start + dt.timedelta(days=offset)
                tested = min(day + dt.timedelta(days=late), today)
                if day > today:
                    result = ""  # a test date may not lie in the future
                DrugTest.objects.create(
                    plan=plan,
                    scheduled_date=day,
                    tested_date=tested if result else None,
                    sample="urine" if result else "",
                    result=result,
                    substances_positive=["crack"] if result == "positive" else [],
                )
                tests.append((day, result, tested))
            vouchers = []
            for offset, amount in spec["vouchers"]:
                day = min(plan_start + dt.timedelta(days=offset), today)
                VoucherIssue.objects.create(plan=plan, issued_date=day, amount=amount)
                vouchers.append((day, amount))
            built.append(
                {
                    "service": spec["service"],
                    "start": plan_start,
                    "base": spec["base"],
                    "step": spec["step"],
                    "max": spec["base"] + spec["extra_max"],
                    "tests": tests,
                    "vouchers": vouchers,
                }
            )
        figures = cm(Cohort(start, end, as_of, [service_a.pk]))
        assert tuple(figures) == KEYS
        assert figures == pytest.approx(reference(built, start, end, as_of))
        transaction.set_rollback(True)


def test_an_empty_cohort_has_nulls_where_nothing_can_be_computed(service_a):
    today = clock.today()
    figures = cm(Cohort(today - dt.timedelta(days=30), today, today, [service_a.pk]))
    assert figures == {
        "plans": 0,
        "tests_scheduled": 0,
        "tests_negative": 0,
        "tests_missed": 0,
        "share_negative": None,
        "median_longest_run": None,
        "earned": 0.0,
        "issued": 0.0,
    }


def test_the_command_prints_a_cm_object(service_a, alice):
    from tests.contingency.helpers import set_tests, start_plan

    plan = start_plan(make_episode(service_a, alice), alice, days_ago=5)
    set_tests(plan, (0, "negative"), (1, "negative"), (2, "positive"), (3, ""), (5, ""))
    today = clock.today()
    out = StringIO()
    call_command(
        "metrics",
        "--from",
        (today - dt.timedelta(days=30)).isoformat(),
        "--to",
        today.isoformat(),
        "--json",
        stdout=out,
    )
    figures = json.loads(out.getvalue())["cm"]
    assert figures == {
        "plans": 1,
        "tests_scheduled": 5,
        "tests_negative": 2,
        "tests_missed": 1,
        "share_negative": 0.5,
        "median_longest_run": 2.0,
        "earned": 5.0,
        "issued": 0.0,
    }


def test_share_negative_by_week_of_plan(service_a, alice):
    from tests.contingency.helpers import set_tests, start_plan

    plan = start_plan(make_episode(service_a, alice), alice, days_ago=10)
    set_tests(plan, (0, "negative"), (2, "positive"), (7, "negative"), (10, ""))
    today = clock.today()
    weeks = cm_by_week(Cohort(today - dt.timedelta(days=30), today, today, [service_a.pk]))
    assert len(weeks) == 12
    assert weeks[0] == {"week": 1, "tests": 2, "negative": 1, "share_negative": 0.5}
    assert weeks[1] == {"week": 2, "tests": 1, "negative": 1, "share_negative": 1.0}
    assert weeks[2]["share_negative"] is None
