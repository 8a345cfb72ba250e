"""Nobody outside service A reaches a client of service A: the same 404 as a
record that does not exist, on every page of the pathway."""

import re
import uuid

import pytest
from django.urls import reverse

from tests.dates import LITERAL_DAY
from tests.factories import AppointmentFactory
from tests.pathway.helpers import assess, days_ago, register, start

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


@pytest.fixture
def client_of_a(alice, service_a):
    """A client of service A in treatment, and one waiting with a booked appointment."""
    referral = register(alice, service_a, on=days_ago(60))
    assess(referral, on=days_ago(55))
    episode = start(referral, alice, on=days_ago(50))
    waiting = register(alice, service_a, initials="WW", on=days_ago(5))
    appointment = AppointmentFactory(
        referral=waiting, offered_date=days_ago(5), appointment_date=days_ago(1)
    )
    return {
        "client": referral.client,
        "referral": waiting,
        "appointment": appointment,
        "episode": episode,
    }


def object_urls(objects) -> list[str]:
    """Every URL of the pathway that names one of the client's records."""
    key = objects["client"].key
    return [
        reverse("keywork:record", args=[key]),
        f"{reverse('keywork:record', args=[key])}?page=2",
        f"{reverse('clients:referral_new')}?client={key}",
        reverse("clients:appointment_new", args=[objects["referral"].pk]),
        reverse("clients:appointment_attendance", args=[objects["appointment"].pk]),
        reverse("keywork:episode_start", args=[objects["referral"].pk]),
        reverse("keywork:episode_discharge", args=[objects["episode"].pk]),
        reverse("keywork:episode_reassign", args=[objects["episode"].pk]),
    ]


@pytest.mark.parametrize("persona", ["charlie", "dora", "admin_user"])
def test_outsiders_get_404_on_every_page_of_a_client_of_service_a(
    request, client_as, client_of_a, persona
):
    c = client_as(request.getfixturevalue(persona))
    data = {"end_date": "2026-11-01", "discharge_reason": "other", "keyworker": 1}
    for url in object_urls(client_of_a):
        assert c.get(url).status_code == 404, url
        # The record is read-only: a POST may be refused (405) before any lookup.
        expected = (404, 405) if url.startswith("/clients/") else (404,)
        assert c.post(url, data).status_code in expected, url
    client_of_a["episode"].refresh_from_db()
    assert client_of_a["episode"].end_date is None
    client_of_a["appointment"].refresh_from_db()
    assert client_of_a["appointment"].attendance == ""


def test_a_missing_record_answers_the_same_404(client_as, alice, client_of_a):
    c = client_as(alice)
    assert c.get(reverse("keywork:record", args=[uuid.uuid4()])).status_code == 404
    assert c.get(reverse("keywork:episode_discharge", args=[999999])).status_code == 404
    assert c.get(f"{reverse('clients:referral_new')}?client=not-a-uuid").status_code == 404


def test_the_keyworker_of_service_a_reaches_every_page(client_as, alice, bob, client_of_a):
    c = client_as(alice)
    for url in object_urls(client_of_a):
        if "reassign" in url:
            continue  # a manager's page
        assert c.get(url).status_code in (200, 302), url
    assert client_as(bob).get(object_urls(client_of_a)[-1]).status_code == 200


@pytest.mark.parametrize("persona", ["dora", "admin_user"])
def test_commissioners_and_administrators_reach_no_pathway_page(request, client_as, persona):
    c = client_as(request.getfixturevalue(persona))
    for name in [
        "keywork:caseload",
        "keywork:waiting_list",
        "clients:referral_new",
        "clients:search",
    ]:
        assert c.get(reverse(name)).status_code == 404, name
    assert c.post(reverse("clients:search"), {"q": "AB"}).status_code == 404
    assert c.post(reverse("clients:referral_matches"), {"initials": "AB"}).status_code == 404


def test_another_services_lists_never_show_the_client(client_as, charlie, client_of_a):
    c = client_as(charlie)
    reference = client_of_a["client"].reference
    for url in ["/caseload/", "/waiting-list/", "/"]:
        assert reference not in c.get(url).content.decode()
    results = c.post("/clients/search/", {"q": reference}).content.decode()
    assert 'data-testid="search-results"' not in results
    assert "No client of your services matches" in results


def test_anonymous_visitors_are_sent_to_sign_in(client, client_of_a):
    for url in object_urls(client_of_a):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_no_client_identifier_appears_in_a_link(client_as, bob, client_of_a):
    client = client_of_a["client"]
    identifiers = [client.reference, client.date_of_birth.isoformat(), "01/06/1985"]
    c = client_as(bob)
    for url in ["/caseload/", "/waiting-list/", f"/clients/{client.key}/"]:
        body = c.get(url).content.decode()
        for href in re.findall(r'(?:href|hx-get|hx-post|action)="([^"]*)"', body):
            for identifier in identifiers:
                assert identifier not in href, (url, href)
            assert not re.search(r"[?&](initials|q|date_of_birth)=", href), (url, href)
