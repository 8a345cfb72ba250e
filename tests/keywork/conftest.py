"""Episodes for the keywork tests: alice's in service A, charlie's in B.
Dates are relative to today so the "not in the future" rules hold."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EpisodeFactory, ReferralFactory
from tests.keywork.helpers import days_ago


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode_a(alice, service_a):
    referral = ReferralFactory(service=service_a, referral_date=days_ago(70))
    return EpisodeFactory(referral=referral, keyworker=alice, start_date=days_ago(60))


@pytest.fixture
def episode_b(charlie, service_b):
    referral = ReferralFactory(service=service_b, referral_date=days_ago(70))
    return EpisodeFactory(referral=referral, keyworker=charlie, start_date=days_ago(60))
