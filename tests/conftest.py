"""Personas shared by every test: alice (keyworker, A), bob (manager, A),
charlie (keyworker, B), dora (commissioner of A and B), and an administrator.

To run the suite as if it were another day, set NECTOS_TEST_TODAY=YYYY-MM-DD
(or YYYY-MM-DDTHH:MM, London time): every Python clock starts there, ticking.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from services.models import Role
from tests.code_lists import seed_all_code_lists
from tests.factories import MembershipFactory, ServiceFactory, UserFactory

# In CI, property tests draw the same examples on every run, so a failure
# there is reproducible and never a matter of luck; locally they explore.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


def _test_today() -> dt.datetime | None:
    value = os.environ.get("NECTOS_TEST_TODAY", "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value if "T" in value else f"{value}T12:00")
    except ValueError as exc:
        raise pytest.UsageError(
            f"NECTOS_TEST_TODAY must be YYYY-MM-DD[THH:MM], not {value!r}"
        ) from exc
    return moment.replace(tzinfo=ZoneInfo("Europe/London"))


def pytest_configure(config):
    moment = _test_today()
    if moment is not None:
        # Started before any test module is imported, so no module-level
        # "today" is computed from the real calendar.
        config._nectos_clock = time_machine.travel(moment, tick=True)
        config._nectos_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_nectos_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    moment = _test_today()
    if moment is not None:
        return f"NECTOS_TEST_TODAY: the clock starts at {moment.isoformat()}"
    return None


@pytest.fixture
def service_a(db):
    return ServiceFactory(code="A", name="Service A", tier=3)


@pytest.fixture
def service_b(db):
    return ServiceFactory(code="B", name="Service B", tier=3)


def _member(username, service, role, full_name):
    user = UserFactory(username=username, full_name=full_name)
    MembershipFactory(user=user, service=service, role=role)
    return user


@pytest.fixture
def alice(service_a):
    return _member("alice", service_a, Role.KEYWORKER, "Alice Keyworker")


@pytest.fixture
def bob(service_a):
    return _member("bob", service_a, Role.MANAGER, "Bob Manager")


@pytest.fixture
def charlie(service_b):
    return _member("charlie", service_b, Role.KEYWORKER, "Charlie Keyworker")


@pytest.fixture
def dora(service_a, service_b):
    user = _member("dora", service_a, Role.COMMISSIONER, "Dora Commissioner")
    MembershipFactory(user=user, service=service_b, role=Role.COMMISSIONER)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def client_as(client):
    """Log the Django test client in as a persona: client_as(alice)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # A transactional test flushes the tables, seeded code lists included;
    # with --reuse-db that would outlive the run. Put them back.
    with django_db_blocker.unblock():
        seed_all_code_lists()


@pytest.fixture(autouse=True)
def _today_marker(request):
    """`@pytest.mark.today("YYYY-MM-DD")` freezes the calendar for a test
    whose data are literal dates, so that they stay in the past (or future)
    they were written for, whatever day the suite runs on. The clock ticks
    from noon, London time."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield
        return
    day = dt.date.fromisoformat(marker.args[0])
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=True):
        yield
