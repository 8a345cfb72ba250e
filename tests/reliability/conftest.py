"""Shared set-up for the reliability tests: one of each job a user can set
going through the web, and brokers that are closed or hang."""

import datetime as dt
import socket

import pytest

from tests.factories import EpisodeFactory, ReferralFactory
from tests.outcomes.celery_support import mute_listener
from tests.outcomes.conftest import _code_lists_after_flush  # noqa: F401 - autouse
from tests.outcomes.helpers import make_episode


@pytest.fixture
def world(service_a, service_b, alice, bob, charlie, dora):
    """bob (manager of A, with an email), dora (commissioner of A and B),
    charlie (keyworker of B) and a client of A with an episode of alice's."""
    bob.email = "bob@service-a.example"
    bob.save(update_fields=["email"])
    referral = ReferralFactory(
        service=service_a, client__initials="QZ", client__date_of_birth=dt.date(1980, 2, 3)
    )
    EpisodeFactory(referral=referral, keyworker=alice)
    episode = make_episode(service_a, alice, started_days_ago=30)
    return {"client": referral.client, "episode": episode}


@pytest.fixture
def closed_broker() -> str:
    """A port nobody listens on: Redis is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def mute_broker():
    with mute_listener() as url:
        yield url
