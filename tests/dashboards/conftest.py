"""A small, fixed cohort for the dashboard pages: referrals in the first
quarter of 2026 at service A (and a few at B), looked at as of 30 April."""

import datetime as dt

import pytest

from tests.dashboards.helpers import PERIOD, build_cohort


@pytest.fixture
def cohort(service_a, service_b, alice, bob, charlie):
    from tests.factories import MembershipFactory, UserFactory

    erin = UserFactory(username="erin", full_name="Erin Keyworker")
    MembershipFactory(user=erin, service=service_a)
    build_cohort(service_a, [alice, erin], 30, dt.date(2026, 1, 2))
    build_cohort(service_b, [charlie], 12, dt.date(2026, 1, 4))
    return service_a


@pytest.fixture
def computed(django_capture_on_commit_callbacks):
    """GET a dashboard page after its snapshot has been worked out: the
    first visit queues the work on commit, which a test transaction only
    runs when asked."""

    def get(client, url, params=PERIOD):
        with django_capture_on_commit_callbacks(execute=True):
            client.get(url, params)
        return client.get(url, params)

    return get


@pytest.fixture(autouse=True)
def _empty_cache():
    """The compare page keeps its pooled benchmark in the cache: each test
    starts without one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
