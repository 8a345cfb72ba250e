"""The database refuses what the forms refuse, for rules spanning tables."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_an_episode_cannot_start_before_its_referral(alice, service_a):
    referral = ReferralFactory(service=service_a, referral_date=dt.date(2026, 3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(referral=referral, keyworker=alice, start_date=dt.date(2026, 3, 9))
    EpisodeFactory(referral=referral, keyworker=alice, start_date=dt.date(2026, 3, 10))


def test_a_referral_cannot_be_moved_after_its_episode_starts(alice, service_a):
    episode = EpisodeFactory(referral=ReferralFactory(service=service_a), keyworker=alice)
    referral = episode.referral
    referral.referral_date = episode.start_date + dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        referral.save(update_fields=["referral_date"])
