"""Marker names seeded into a client of service A must appear in no page,
file, log line or Celery message that a commissioner, another service, an
administrator or a visitor can reach; and in no log line or Celery message
at all, whoever made the request."""

import datetime as dt
import logging
import re

import pytest
from celery.app.task import Task

from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory
from tests.security.test_url_matrix import ask, url_of
from tests.security.url_matrix import (
    ADMIN,
    ANON,
    COMMISSIONER,
    KEYWORKER_A,
    KEYWORKER_B,
    MANAGER_A,
    row_for,
)
from tests.security.urlwalk import body_of, url_patterns
from tests.security.world import MARKER_DOB, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

MARKER = "Zebedeequint"
URL_ATTRIBUTE = re.compile(r'(?:href|action|src|hx-(?:get|post|put|delete))="([^"]*)"')
OUTSIDERS = (KEYWORKER_B, COMMISSIONER, ADMIN, ANON)


def markers_of(client) -> list[str]:
    return [
        MARKER,
        MARKER[:4].upper(),  # the initials: ZEBE
        client.reference,
        MARKER_DOB.isoformat(),
        MARKER_DOB.strftime("%d/%m/%Y"),
        MARKER_DOB.strftime("%-d %b %Y"),
        MARKER_DOB.strftime("%-d %B %Y"),
    ]


def found_in(text: str, markers: list[str]) -> list[str]:
    lowered = text.lower()
    return [m for m in markers if m.lower() in lowered]


@pytest.fixture(autouse=True)
def fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def celery_messages(monkeypatch) -> list[str]:
    """Every task message the app publishes (or runs eagerly), as text."""
    sent: list[str] = []
    original = Task.apply_async

    def capture(self, args=None, kwargs=None, *rest, **options):
        sent.append(f"{self.name} {args!r} {kwargs!r}")
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", capture)
    return sent


def test_markers_reach_nobody_outside_the_service(
    alice,
    bob,
    charlie,
    dora,
    admin_user,
    service_a,
    service_b,
    caplog,
    celery_messages,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    world = build_world(
        service_a=service_a,
        service_b=service_b,
        alice=alice,
        charlie=charlie,
        dora=dora,
        bob=bob,
        marker=MARKER,
    )
    marked = world["A"].client
    markers = markers_of(marked)
    # A referral, episode and contacts in the last complete quarter too, so
    # that the commissioner's return counts this client.
    earlier = ReferralFactory(service=service_a, client=marked, referral_date=dt.date(2026, 7, 6))
    ContactFactory(
        episode=EpisodeFactory(referral=earlier, keyworker=alice, start_date=dt.date(2026, 7, 9)),
        note=f"{MARKER} said",
    )
    personas = {
        ANON: None,
        KEYWORKER_A: alice,
        KEYWORKER_B: charlie,
        MANAGER_A: bob,
        COMMISSIONER: dora,
        ADMIN: admin_user,
    }

    caplog.clear()  # factory_boy's own debug lines while seeding
    leaks, asked = [], 0
    for pattern in url_patterns():
        row = row_for(pattern.name)
        assert row is not None, pattern.name
        if pattern.route.startswith("admin/") and not pattern.kwargs:
            askers = {ADMIN: admin_user}
        elif pattern.route.startswith("admin/"):
            continue
        else:
            askers = personas
        url = url_of(pattern, row, world["A"] if row.objects else None, personas)
        for persona, user in askers.items():
            response = ask(user, row.method, url)
            asked += 1
            body = body_of(response).decode("utf-8", "replace")
            if persona in OUTSIDERS:
                hits = found_in(body, markers)
                if hits:
                    leaks.append(f"{persona} {row.method.upper()} {url}: {hits}")
            # Nobody's page may put an identifier into a URL (a link, a form
            # action, an HTMX request, a redirect).
            links = " ".join(URL_ATTRIBUTE.findall(body)) + " " + response.get("Location", "")
            if hits := found_in(links, markers):
                leaks.append(f"a URL on {persona}'s {row.method.upper()} {url}: {hits}")
    assert asked > 100
    assert not leaks, "\n".join(leaks)

    # The commissioner's return and its files.
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_keep(dora, "/returns/", {"quarter": "2026Q3"})
    assert response.status_code == 302, response.status_code
    detail = response["Location"]
    for url in [detail, f"{detail}csv/", f"{detail}xlsx/"]:
        got = ask_keep(dora, url)
        assert got.status_code == 200, (url, got.status_code)
        assert not found_in(body_of(got).decode("utf-8", "replace"), markers), url

    log_text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert not found_in(log_text, markers), "a log line names the client"
    assert celery_messages, "expected the return to be queued through Celery"
    assert not found_in("\n".join(celery_messages), markers), celery_messages


def ask_keep(user, url: str, data: dict | None = None):
    from tests.security.urlwalk import browser_for

    browser = browser_for(user)
    return browser.post(url, data) if data is not None else browser.get(url)
