"""A Tier 3 episode at service A (alice's) and one at service B (charlie's),
dated relative to today; plans are built through the actions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from contingency.actions import cm_plan_start
from contingency.models import DrugTest
from nectos import clock
from tests.factories import EpisodeFactory, ReferralFactory


def make_episode(service, keyworker, *, started_days_ago: int = 60, tier: int = 3):
    start = clock.today() - dt.timedelta(days=started_days_ago)
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=7))
    extra = {"planned_days": 84} if tier == 4 else {}
    return EpisodeFactory(
        referral=referral, keyworker=keyworker, start_date=start, tier=tier, **extra
    )


@pytest.fixture
def episode_a(alice, service_a):
    return make_episode(service_a, alice)


@pytest.fixture
def episode_b(charlie, service_b):
    return make_episode(service_b, charlie)


def start_plan(episode, user, *, days_ago: int = 0, **extra):
    return cm_plan_start(
        acting_user=user,
        episode=episode,
        start_date=clock.today() - dt.timedelta(days=days_ago),
        **extra,
    )


@pytest.fixture
def plan_a(episode_a, alice):
    return start_plan(episode_a, alice)


@pytest.fixture
def plan_b(episode_b, charlie):
    return start_plan(episode_b, charlie)


def set_tests(plan, *results_by_day: tuple[int, str]):
    """Replace a plan's tests with (days after start, result) pairs, a
    result of "" for none; results are dated on their scheduled day."""
    DrugTest.objects.filter(plan=plan).delete()
    tests = []
    for offset, result in results_by_day:
        day = plan.start_date + dt.timedelta(days=offset)
        tests.append(
            DrugTest.objects.create(
                plan=plan,
                scheduled_date=day,
                tested_date=day if result else None,
                sample="urine" if result else "",
                result=result,
                substances_positive=["crack"] if result == "positive" else [],
            )
        )
    return tests


@pytest.fixture
def on_a_wednesday():
    """A plan started today tests today only on a day the service opens
    (Monday to Friday): run on the coming Wednesday, whatever today is."""
    today = clock.today()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7)
    noon = dt.datetime.combine(wednesday, dt.time(12), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=True):
        yield wednesday
