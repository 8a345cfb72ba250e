"""A manager reads the contingency management section of the service
dashboard: the figures, the chart of share negative by week and its table."""

import pytest

from tests.browser.helpers import ARTIFACTS
from tests.dashboards.test_cm_section import make_plans
from tests.dates import LITERAL_DAY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]


def test_a_manager_sees_the_cm_section_with_its_chart(
    page, live_server, service_a, alice, bob, sign_in, shoot, axe
):
    make_plans(service_a, alice)
    sign_in(page, "bob")
    page.goto(f"{live_server.url}/dashboards/A/?quarter=2026Q1&as_of=2026-04-30")
    section = page.get_by_test_id("dashboard-cm")
    page.get_by_test_id("cm-plans").wait_for()
    assert section.get_by_test_id("cm-plans").inner_text() == "2"
    weeks = section.get_by_test_id("cm-weeks")
    assert "60%" in weeks.inner_text()
    drawn = page.evaluate(
        "() => !!window.Chart.getChart(document.querySelector('canvas[data-chart=cmweeks]'))"
    )
    assert drawn
    section.scroll_into_view_if_needed()
    axe(page, "service dashboard with CM")
    shoot(page, "dashboard-cm")
    section.screenshot(path=str(ARTIFACTS / "dashboard-cm-section.png"))
    assert page.console_errors == []
