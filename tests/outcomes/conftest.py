"""Episodes for the outcome tests, dated relative to today so the "not in the
future" rules hold whatever day the suite runs."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.outcomes.helpers import make_episode


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode_a(alice, service_a):
    """Alice's client, on day 30 today: the day-30 form is due."""
    return make_episode(service_a, alice, started_days_ago=30)


@pytest.fixture
def episode_b(charlie, service_b):
    return make_episode(service_b, charlie, started_days_ago=30)


@pytest.fixture(autouse=True)
def _code_lists_after_flush(request):
    """A transactional test flushes the seeded code lists: put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from tests.code_lists import seed_all_code_lists

    seed_all_code_lists()


@pytest.fixture(autouse=True)
def _nectos_forms_only(request):
    """The day-N follow-up tests count rows, notifications and digests of the
    NECTOS forms alone: their services use only those. A module that tests
    TOP due dates says USES_TOP = True and sets its services itself."""
    if getattr(request.module, "USES_TOP", False):
        return
    for name in ("service_a", "service_b"):
        if name in request.fixturenames:
            service = request.getfixturevalue(name)
            service.outcome_instruments = "nectos"
            service.save(update_fields=["outcome_instruments"])
