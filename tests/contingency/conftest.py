"""A Tier 3 episode at service A (alice's) and one at service B (charlie's),
dated relative to today; plans are built through the actions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nectos import clock
from tests.contingency.helpers import make_episode, start_plan


@pytest.fixture
def episode_a(alice, service_a):
    return make_episode(service_a, alice)


@pytest.fixture
def episode_b(charlie, service_b):
    return make_episode(service_b, charlie)


@pytest.fixture
def plan_a(episode_a, alice):
    return start_plan(episode_a, alice)


@pytest.fixture
def plan_b(episode_b, charlie):
    return start_plan(episode_b, charlie)


@pytest.fixture
def on_a_wednesday():
    """A plan started today tests today only on a day the service opens
    (Monday to Friday): run on the coming Wednesday, whatever today is."""
    today = clock.today()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7)
    noon = dt.datetime.combine(wednesday, dt.time(12), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=True):
        yield wednesday
