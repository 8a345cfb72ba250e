"""Who reaches which dashboard URL: managers of the service, administrators
for the figures (never the records behind them); everyone else gets the
same 404 as for a service that does not exist."""

import pytest

from services.models import Role
from tests.dashboards.helpers import PERIOD
from tests.dates import LITERAL_DAY
from tests.factories import MembershipFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

PAGES = ["/dashboards/{code}/", "/dashboards/{code}/compare/", "/dashboards/{code}/caseload/"]
RECORDS = "/dashboards/{code}/records/"
STATUS = "/dashboards/{code}/snapshot/status/"
REFRESH = "/dashboards/{code}/snapshot/"


def _get(client, url, code):
    params = dict(PERIOD, measure="funnel:referred") if "records" in url else PERIOD
    return client.get(url.format(code=code), params)


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora"])
@pytest.mark.parametrize("url", [*PAGES, RECORDS, STATUS])
def test_keyworkers_and_commissioners_get_404(client_as, request, persona, url, service_a):
    user = request.getfixturevalue(persona)
    for code in ("A", "B"):
        assert _get(client_as(user), url, code).status_code == 404, (persona, url, code)


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora", "bob"])
def test_refresh_is_refused_outside_ones_own_service(client_as, request, persona, service_b):
    user = request.getfixturevalue(persona)
    response = client_as(user).post(REFRESH.format(code="B"), PERIOD)
    assert response.status_code == 404


@pytest.mark.parametrize("url", [*PAGES, RECORDS, STATUS])
def test_a_manager_of_a_gets_404_for_b_and_for_a_missing_service(client_as, bob, service_b, url):
    for code in ("B", "NOPE"):
        assert _get(client_as(bob), url, code).status_code == 404, (url, code)


@pytest.mark.parametrize("url", PAGES)
def test_a_manager_opens_the_pages_of_their_service(client_as, bob, url):
    assert _get(client_as(bob), url, "A").status_code == 200


def test_a_manager_opens_the_records_behind_a_count(client_as, bob):
    assert _get(client_as(bob), RECORDS, "A").status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_an_administrator_opens_every_services_figures(
    client_as, admin_user, service_a, service_b, url
):
    for code in ("A", "B"):
        assert _get(client_as(admin_user), url, code).status_code == 200, (url, code)


def test_an_administrator_never_reaches_the_records_behind_a_count(
    client_as, admin_user, service_a
):
    assert _get(client_as(admin_user), RECORDS, "A").status_code == 404


def test_the_index_lists_only_managed_services(client_as, bob, service_a, service_b, alice):
    service_c = ServiceFactory(code="C", name="Service C")
    MembershipFactory(user=bob, service=service_c, role=Role.MANAGER)
    body = client_as(bob).get("/dashboards/").content.decode()
    assert "Service A" in body
    assert "Service C" in body
    assert "Service B" not in body
    body = client_as(alice).get("/dashboards/").content.decode()
    assert "You do not manage a service" in body


def test_a_manager_of_one_service_lands_on_its_dashboard(client_as, bob, service_b):
    response = client_as(bob).get("/dashboards/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboards/A/"


def test_signed_out_visitors_are_sent_to_sign_in(client, service_a):
    response = client.get("/dashboards/A/", PERIOD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
