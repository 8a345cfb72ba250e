"""A manager opens the service dashboard, changes the quarter and reads the
funnel table; the numbers are the metrics command's."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from reporting.dashboards.quarters import Quarter
from tests.dashboards.helpers import build_cohort
from tests.dates import LITERAL_DAY
from tests.factories import MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]


def _command(quarter: Quarter, as_of: dt.date) -> dict:
    out = io.StringIO()
    call_command(
        "metrics",
        "--from",
        quarter.start.isoformat(),
        "--to",
        quarter.end.isoformat(),
        "--as-of",
        as_of.isoformat(),
        "--service",
        "A",
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.fixture
def data(service_a, service_b, alice, bob, charlie):
    erin = UserFactory(username="erin", full_name="Erin Evans")
    MembershipFactory(user=erin, service=service_a)
    build_cohort(service_a, [alice, erin], 30, dt.date(2026, 1, 2))
    build_cohort(service_b, [charlie], 12, dt.date(2026, 1, 4))


def test_a_manager_changes_the_quarter_and_reads_the_funnel(
    page, live_server, data, sign_in, shoot, axe
):
    sign_in(page, "bob")
    # A manager's own pages are in one menu, so the bar is one line at 1366px.
    bar = page.get_by_role("navigation", name="Main").bounding_box()
    assert bar["height"] < 80, bar
    page.get_by_role("button", name="Manage").click()
    assert page.get_by_role("button", name="Manage").get_attribute("aria-expanded") == "true"
    axe(page, "manager menu open")
    shoot(page, "nav-manager-menu")
    # A manager of one service lands on its dashboard.
    page.get_by_role("link", name="Dashboards").click()
    page.wait_for_load_state("networkidle")
    today = timezone.localdate()
    assert (
        page.get_by_label("Quarter", exact=True).input_value() == Quarter.of(today).previous().code
    )

    page.get_by_label("Quarter", exact=True).select_option(label="Jan–Mar 2026")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")

    assert "quarter=2026Q1" in page.url
    expected = _command(Quarter(2026, 1), today)
    table = page.get_by_test_id("funnel-table")
    for step in ("referred", "assessment_offered", "assessed", "started"):
        shown = table.get_by_test_id(f"funnel-{step}").inner_text()
        assert int(shown.replace(",", "")) == expected["funnel"][step], step
    assert "Figures worked out on" in page.get_by_test_id("snapshot-status").inner_text()
    # The charts were drawn from their json_script data.
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".filter((c) => window.Chart.getChart(c)).length"
    )
    assert drawn == 8  # funnel, sources, waits, KM, keyworkers, outcomes, national, TOP
    axe(page, "service dashboard")
    shoot(page, "dashboard-manager")
    shoot(page, "dashboard-manager-320", width=320)
    assert page.console_errors == []

    # The did-not-attend count lists those referrals.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("funnel-did-not-attend").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Did not attend")
    rows = page.get_by_test_id("records-table").locator("tbody tr").count()
    assert rows == _did_not_attend(today)
    axe(page, "records behind a count")
    shoot(page, "dashboard-records")


def _did_not_attend(as_of: dt.date) -> int:
    from reporting.metrics import Cohort, funnel
    from services.models import Service

    service = Service.objects.get(code="A")
    q = Quarter(2026, 1)
    return funnel(Cohort(q.start, q.end, as_of, [service.pk]), detail=True)["did_not_attend"]


def test_a_manager_sees_the_comparison_and_the_caseloads(
    page, live_server, data, sign_in, shoot, axe
):
    sign_in(page, "bob")
    page.goto(f"{live_server.url}/dashboards/A/compare/?quarter=2026Q1&as_of=2026-04-30")
    assert page.get_by_test_id("compare-table").is_visible()
    axe(page, "comparison")
    shoot(page, "dashboard-compare")
    page.get_by_role("link", name="Caseloads").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("caseload-table").is_visible()
    axe(page, "caseloads")
    shoot(page, "dashboard-caseload")
    assert page.console_errors == []
