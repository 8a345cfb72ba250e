"""A whole TOP's answers for tests, and an episode to put it on."""

import datetime as dt

from nectos import clock
from outcomes.top_models import DAY_ITEMS, TreatmentOutcomesProfile
from tests.factories import EpisodeFactory, ReferralFactory


def full_answers(**changes) -> dict:
    """Every item answered: some use, no crime, mid scores."""
    fields: dict = dict.fromkeys(DAY_ITEMS, [0, 0, 0, 0])
    fields |= {
        "crack_days": [2, 3, 1, 0],
        "crack_spend": 40,
        "alcohol_days": [1, 1, 0, 0],
        "alcohol_units": 8,
        "tobacco_days": [7, 7, 7, 7],
        "sharing": False,
        "assault": False,
        "acute_housing_problem": False,
        "risk_of_eviction": False,
        "psychological_health": 9,
        "physical_health": 11,
        "quality_of_life": 10,
        "declined": [],
    }
    fields |= changes
    return fields


def top_episode(service, keyworker, *, started_days_ago: int, tier: int = 3, **extra):
    start = clock.today() - dt.timedelta(days=started_days_ago)
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=20))
    if tier == 4:
        extra.setdefault("planned_days", 84)
    return EpisodeFactory(
        referral=referral, keyworker=keyworker, start_date=start, tier=tier, **extra
    )


def make_top(episode, stage: str, top_date: dt.date, **changes) -> TreatmentOutcomesProfile:
    """Straight to the database (no date rules): for figures tests."""
    fields = full_answers(**changes)
    return TreatmentOutcomesProfile.objects.create(
        episode=episode, stage=stage, top_date=top_date, **fields
    )
