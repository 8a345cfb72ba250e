"""The records behind a count: the same definitions as the figures."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, funnel, retention
from tests.dashboards.helpers import AS_OF, PERIOD
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/records/"
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@pytest.mark.parametrize(
    "step", ["referred", "assessed", "did_not_attend", "offered_not_assessed", "not_offered"]
)
def test_a_funnel_count_lists_exactly_those_referrals(client_as, bob, cohort, step):
    import datetime as dt

    expected = funnel(
        Cohort(dt.date(2026, 1, 1), dt.date(2026, 3, 31), AS_OF, [cohort.pk]), detail=True
    )
    response = client_as(bob).get(URL, dict(PERIOD, measure=f"funnel:{step}"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected[step]
    assert response.context["listing"].kind == "referrals"


def test_a_retention_count_lists_its_episodes_with_their_clients(client_as, bob, cohort):
    expected = retention(Cohort(*Q1, AS_OF, [cohort.pk]))
    response = client_as(bob).get(URL, dict(PERIOD, measure="retention:early_exit"))
    assert response.context["page"].paginator.count == expected["early_exit"]
    first = response.context["page"][0]
    assert f"/clients/{first.referral.client.key}/" in response.content.decode()


def test_a_group_narrows_the_list(client_as, bob, cohort):
    everyone = client_as(bob).get(URL, dict(PERIOD, measure="funnel:referred"))
    women = client_as(bob).get(
        URL, dict(PERIOD, measure="funnel:referred", by="sex", group="female")
    )
    assert women.context["page"].paginator.count == 15
    assert everyone.context["page"].paginator.count == 30


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"measure": "funnel:everything"}, 404),
        ({"measure": "funnel:referred", "by": "postcode", "group": "x"}, 404),
        ({"measure": "funnel:referred", "quarter": "2026Q9"}, 400),
    ],
)
def test_bad_requests_are_refused(client_as, bob, service_a, params, status):
    query = {**PERIOD, **params}
    assert client_as(bob).get(URL, query).status_code == status


def test_the_page_runs_a_fixed_number_of_queries(client_as, bob, cohort, django_assert_num_queries):
    client = client_as(bob)
    # session, user, bob's memberships (the service's scope and the top
    # bar), the service, the count, the page of rows with client and source.
    with django_assert_num_queries(6):
        assert client.get(URL, dict(PERIOD, measure="funnel:referred")).status_code == 200
