"""The comparison page: this service beside the others the viewer may open."""

import pytest

from services.models import Role
from tests.dashboards.helpers import PERIOD
from tests.dates import LITERAL_DAY
from tests.factories import MembershipFactory, ServiceFactory
from tests.outcomes.celery_support import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/compare/"


def _rows(response):
    return {r["label"]: r["cells"] for r in response.context["rows"]}


def test_a_manager_of_one_service_sees_it_beside_the_others_pooled(client_as, bob, cohort):
    response = client_as(bob).get(URL, PERIOD)
    assert [c["label"] for c in response.context["columns"]] == ["Service A", "All other services"]
    rows = _rows(response)
    summary = response.context["columns"][0]["figures"]
    assert rows["Referred"][0] == str(summary["funnel"]["referred"])
    # Service B referred 12 people: rounded to the nearest 5 in the pool.
    assert rows["Referred"][1] == "10"


def test_a_manager_of_two_services_sees_both_side_by_side(client_as, bob, cohort, service_b):
    MembershipFactory(user=bob, service=service_b, role=Role.MANAGER)
    ServiceFactory(code="C", name="Service C")
    response = client_as(bob).get(URL, PERIOD)
    labels = [c["label"] for c in response.context["columns"]]
    assert labels == ["Service A", "Service B", "All other services"]
    rows = _rows(response)
    assert rows["Referred"][:2] == ["30", "12"]
    assert rows["Referred"][2] == "0"


def test_an_administrator_sees_every_service_and_no_pool(client_as, admin_user, cohort):
    response = client_as(admin_user).get(URL, PERIOD)
    assert [c["label"] for c in response.context["columns"]] == ["Service A", "Service B"]


def test_the_comparison_uses_the_same_figures_as_the_dashboard(client_as, bob, cohort, computed):
    dashboard = computed(client_as(bob), "/dashboards/A/").context["summary"]
    compare = client_as(bob).get(URL, PERIOD).context["columns"][0]["figures"]
    for part in ("funnel", "retention", "intensity", "outcomes", "national"):
        assert compare[part] == dashboard[part], part


def test_the_page_runs_a_fixed_number_of_queries(client_as, bob, cohort, django_assert_num_queries):
    client = client_as(bob)
    # session, user, bob's memberships (read once: the services' scope and
    # the top bar), the service, the viewer's services; measures by
    # service: funnel 1, retention 1, intensity 1, outcomes 1 per follow-up;
    # the ids of the other services; the same measures for them pooled (5);
    # the national measures by service and for the pooled others (2).
    with django_assert_num_queries(18):
        assert client.get(URL, PERIOD).status_code == 200
    # Again: the pooled benchmark and its national figures come from the
    # cache (6 queries fewer).
    with django_assert_num_queries(12):
        assert client.get(URL, PERIOD).status_code == 200


def test_the_pooled_benchmark_is_cached_and_survives_a_cache_that_is_down(
    client_as, bob, cohort, settings
):
    client = client_as(bob)
    first = client.get(URL, PERIOD).context["columns"][-1]["figures"]
    rows = _rows(client.get(URL, PERIOD))
    assert client.get(URL, PERIOD).context["columns"][-1]["figures"] == first
    assert _rows(client.get(URL, PERIOD)) == rows  # the national rows too
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": closed}}
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["columns"][-1]["figures"] == first


def test_a_bad_period_is_refused(client_as, bob, service_a):
    response = client_as(bob).get(URL, {"quarter": "2026Q1", "as_of": "2099-01-01"})
    assert response.status_code == 400
    assert "Choose today or an earlier date." in response.content.decode()
