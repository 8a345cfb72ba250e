"""A manager reads the dashboard's National measures section: the table
with the other services beside this one, the re-presentation window in
words, and the chart of eight quarters drawn with its table."""

import datetime as dt

import pytest
from django.utils import timezone

from reporting.metrics import Cohort, national
from services.models import Service
from tests.browser.helpers import ARTIFACTS
from tests.dashboards.helpers import build_cohort
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]


@pytest.fixture
def data(service_a, service_b, alice, bob, charlie):
    build_cohort(service_a, [alice], 30, dt.date(2026, 1, 2))
    build_cohort(service_b, [charlie], 12, dt.date(2026, 1, 4))
    # Completions in the quarters before, some referred again.
    for i in range(16):
        referral = ReferralFactory(service=service_a, referral_date=dt.date(2025, 1, 5 + i))
        EpisodeFactory(
            referral=referral,
            start_date=dt.date(2025, 1, 10 + i),
            end_date=dt.date(2025, 5, 1 + i),
            discharge_reason_id="completed_drug_free" if i % 4 else "dropped_out",
            keyworker=alice,
        )
        if i % 5 == 0:
            ReferralFactory(
                service=service_b, client=referral.client, referral_date=dt.date(2025, 8, 1 + i)
            )


def test_a_manager_reads_the_national_measures(page, live_server, data, sign_in, shoot, axe):
    sign_in(page, "bob")
    today = timezone.localdate()
    page.goto(f"{live_server.url}/dashboards/A/?quarter=2026Q1&as_of={today.isoformat()}")
    page.wait_for_load_state("networkidle")
    section = page.get_by_test_id("national-section")
    section.scroll_into_view_if_needed()
    assert "from 1 to 182 days" in page.get_by_test_id("national-window").inner_text()
    headers = section.get_by_role("columnheader").all_inner_texts()
    assert {"Service A", "All other services", "All services"} <= set(headers)
    service = Service.objects.get(code="A")
    expected = national(Cohort(dt.date(2026, 1, 1), dt.date(2026, 3, 31), today, [service.pk]))
    cells = page.get_by_test_id("national-effective").locator("td").all_inner_texts()
    assert cells[:2] == [str(expected["effective_treatment"]), str(expected["effective_eligible"])]
    quarters = page.get_by_test_id("national-quarters-table").locator("tbody tr")
    assert quarters.count() == 8
    drawn = page.evaluate(
        "() => !!window.Chart.getChart(document.querySelector('canvas[data-chart=national]'))"
    )
    assert drawn
    axe(page, "service dashboard, national measures")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "dashboard-national-section.png"))
    shoot(page, "dashboard-national")
    page.set_viewport_size({"width": 320, "height": 800})
    section.screenshot(path=str(ARTIFACTS / "dashboard-national-section-320.png"))
    assert page.console_errors == []
