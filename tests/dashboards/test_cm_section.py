"""The manager's CM section on the service dashboard: the command's figures,
the chart's data and its table by week of plan."""

import datetime as dt

import pytest

from contingency.models import CMPlan, DrugTest
from services.models import Service
from tests.dashboards.helpers import PERIOD
from tests.dashboards.test_service_dashboard import command_json
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


@pytest.fixture
def plans(service_a, alice):
    make_plans(service_a, alice)


def make_plans(service_a, alice) -> None:
    """Two plans started in 2026 Q1 at service A, their tests in week 1; one
    test missed."""
    for n, results in enumerate((["negative", "negative", "positive"], ["", "negative"])):
        start = dt.date(2026, 1, 5) + dt.timedelta(days=7 * n)
        referral = ReferralFactory(service=service_a, referral_date=start - dt.timedelta(days=3))
        episode = EpisodeFactory(referral=referral, keyworker=alice, start_date=start, tier=3)
        plan = CMPlan.objects.create(
            episode=episode, start_date=start, voucher_base=2, voucher_step=1, voucher_max=10
        )
        for i, result in enumerate(results):
            day = start + dt.timedelta(days=3 * i)
            DrugTest.objects.create(
                plan=plan,
                scheduled_date=day,
                tested_date=day if result else None,
                sample="urine" if result else "",
                result=result,
                substances_positive=["cocaine"] if result == "positive" else [],
            )


def test_the_manager_sees_the_cm_figures_of_the_command(client_as, bob, plans, computed):
    response = computed(client_as(bob), "/dashboards/A/", PERIOD)
    body = response.content.decode()
    expected = command_json()["cm"]
    assert expected["plans"] == 2
    assert response.context["cm"]["figures"] == expected
    assert 'data-testid="dashboard-cm"' in body
    assert 'data-testid="cm-plans">2<' in body
    weeks = response.context["cm"]["weeks"]
    assert [(w["tests"], w["negative"]) for w in weeks[:2]] == [(5, 3), (0, 0)]
    assert response.context["cm"]["chart"]["shares"][:3] == [60.0, None, None]


def test_no_plan_says_so(client_as, bob, service_a, computed):
    body = computed(client_as(bob), "/dashboards/A/", PERIOD).content.decode()
    assert "No CM plan started in" in body


@pytest.mark.django_db(transaction=True)
def test_a_recorded_test_is_a_change_the_snapshot_covers(transactional_db, service_a, alice):
    """Events are stamped with their transaction's start: this test commits as it goes."""
    from contingency.actions import drug_test_record
    from nectos import clock
    from reporting.dashboards.queries import newest_changes
    from tests.code_lists import seed_all_code_lists

    seed_all_code_lists()
    make_plans(service_a, alice)
    test = DrugTest.objects.filter(result="").first()
    before = clock.database_now()  # events carry the database clock
    services = Service.objects.filter(pk=service_a.pk)
    assert newest_changes(services, since=before)[service_a.pk] is None
    drug_test_record(
        acting_user=alice, test=test, result="negative", tested_date=test.scheduled_date
    )
    assert newest_changes(services, since=before)[service_a.pk] is not None
