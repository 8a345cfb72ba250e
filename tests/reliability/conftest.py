"""Shared set-up for the reliability tests: one of each job a user can set
going through the web, and brokers that are closed or hang."""

import datetime as dt
import io
import socket
import zipfile

import pytest
from django.urls import reverse

from nectos import clock
from reporting.returns.quarters import Quarter
from tests.factories import EpisodeFactory, ReferralFactory
from tests.interchange.conftest import csv_text
from tests.outcomes.celery_support import mute_listener
from tests.outcomes.conftest import (
    _code_lists_after_flush,  # noqa: F401 - autouse
    form_post,
    make_episode,
)

REASON = "Client is transferring to our service from Service A"


def zipped(files: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, csv_text(name, rows))
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer


def bundle() -> io.BytesIO:
    from tests.interchange.test_views import clinical_files

    return zipped(clinical_files())


def latest_quarter() -> str:
    return str(Quarter.latest_complete(clock.today()))


def dashboard_period() -> dict:
    quarter = Quarter.latest_complete(clock.today())
    return {"quarter": str(quarter), "as_of": clock.today().isoformat()}


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


def every_publisher(client_as, world, *, alice, bob, charlie, dora) -> dict:
    """Set every kind of job going through the web, as its user would; the
    responses by name."""
    responses = {}
    web = client_as(bob)
    responses["import upload"] = web.post(reverse("interchange:index"), {"bundle": bundle()})
    responses["dashboard first look"] = web.get("/dashboards/A/", dashboard_period())
    responses["snapshot refresh"] = web.post(
        "/dashboards/A/snapshot/",
        {**dashboard_period(), "as_of": (clock.today() - dt.timedelta(days=1)).isoformat()},
    )
    web = client_as(dora)
    responses["quarterly return"] = web.post("/returns/", {"quarter": latest_quarter()})
    web = client_as(charlie)
    responses["break-glass"] = web.post(
        "/break-glass/",
        {"reference": world["client"].reference, "reason": REASON, "category": "transfer"},
    )
    web = client_as(alice)
    responses["outcome form"] = web.post(
        reverse("outcomes:form_create", args=[world["episode"].pk]), form_post()
    )
    return responses


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
