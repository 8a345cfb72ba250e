"""Episodes and form posts for the outcome tests, dated relative to today:
helpers that tests import (a conftest holds fixtures only)."""

import datetime as dt

from django.utils import timezone

from tests.factories import EpisodeFactory, ReferralFactory


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def make_episode(service, keyworker, *, started_days_ago: int, tier: int = 3, **extra):
    start = days_ago(started_days_ago)
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=7))
    if tier == 4:
        extra.setdefault("planned_days", 84)
    return EpisodeFactory(
        referral=referral, keyworker=keyworker, start_date=start, tier=tier, **extra
    )


FORM_POST = {
    "timepoint": "day30",
    "reported_by": "keyworker",
    "crack_days": "3",
    "crack_spend_per_day": "40",
    "heroin_days": "0",
    "cocaine_days": "0",
    "alcohol_days": "4",
    "other_drug_days": "0",
    "crime_involved": "false",
    "physical_health": "12",
    "psychological_health": "11",
    "quality_of_life": "12",
    "cravings": "",
}


def form_post(**changes) -> dict:
    data = {**FORM_POST, "form_date": timezone.localdate().isoformat()}
    data.update({k: str(v) for k, v in changes.items()})
    return data
