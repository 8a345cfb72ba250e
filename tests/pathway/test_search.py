"""Searching clients by initials, date of birth or reference. The terms travel
in the POST body: never in a URL, so never in an access log."""

import datetime as dt

import pytest

from tests.pathway.helpers import days_ago, register

pytestmark = pytest.mark.django_db

URL = "/clients/search/"


def found(response) -> str:
    body = response.content.decode()
    return body.split('data-testid="search-results"')[1] if 'search-results"' in body else ""


@pytest.fixture
def js(alice, service_a):
    return register(alice, service_a, initials="JS", born=dt.date(1985, 6, 1)).client


@pytest.fixture
def kl(alice, service_a):
    return register(alice, service_a, initials="KL", born=dt.date(1990, 2, 3)).client


@pytest.mark.parametrize("term", ["JS", "j.s.", "01/06/1985", "1985-06-01", "JS 01/06/1985"])
def test_it_finds_a_client_by_initials_and_or_date_of_birth(client_as, alice, js, kl, term):
    results = found(client_as(alice).post(URL, {"q": term}))
    assert js.reference in results
    assert kl.reference not in results


def test_it_finds_a_client_by_their_reference_or_a_referral_reference(client_as, alice, js, kl):
    c = client_as(alice)
    assert js.reference in found(c.post(URL, {"q": js.reference.lower()}))
    referral = js.referrals.get()
    assert js.reference in found(c.post(URL, {"q": referral.reference}))


def test_a_get_never_searches(client_as, alice, js):
    response = client_as(alice).get(f"{URL}?q=JS")
    assert response.status_code == 200
    assert js.reference not in response.content.decode()
    assert 'method="post"' in response.content.decode()


def test_it_searches_only_the_users_services(client_as, alice, charlie, service_b, js):
    elsewhere = register(charlie, service_b, initials="JS", on=days_ago(3)).client
    results = found(client_as(alice).post(URL, {"q": "JS"}))
    assert js.reference in results
    assert elsewhere.reference not in results


def test_results_are_bounded(client_as, alice, service_a):
    for day in range(30):
        register(alice, service_a, initials="AB", born=dt.date(1980, 1, 1) + dt.timedelta(days=day))
    response = client_as(alice).post(URL, {"q": "AB"})
    assert found(response).count("<tr>") == 25 + 1  # the header row and 25 clients
    assert "Showing the first 25" in response.content.decode()


def test_an_empty_search_is_refused_with_a_message(client_as, alice):
    response = client_as(alice).post(URL, {"q": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()


def test_nothing_found_says_so(client_as, alice, js):
    body = client_as(alice).post(URL, {"q": "ZZ"}).content.decode()
    assert "No client of your services matches" in body
