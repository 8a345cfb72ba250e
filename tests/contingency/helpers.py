"""Episodes and plans for the contingency tests, dated relative to today:
helpers that tests import (a conftest holds fixtures only)."""

import datetime as dt

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


def start_plan(episode, user, *, days_ago: int = 0, **extra):
    return cm_plan_start(
        acting_user=user,
        episode=episode,
        start_date=clock.today() - dt.timedelta(days=days_ago),
        **extra,
    )


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
