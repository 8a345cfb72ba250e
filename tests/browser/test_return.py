"""A commissioner builds the quarterly return in Chromium, downloads the
XLSX and opens it; the returns pages and the managers' extract read well
and pass axe."""

import pytest
from openpyxl import load_workbook

from tests.dates import LITERAL_DAY
from tests.returns.conftest import seed_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]

SHEETS = ["Cover", "Measures by service", "Breakdowns"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_commissioner_builds_downloads_and_opens_the_xlsx(
    page, live_server, dora, service_a, service_b, sign_in, shoot, axe, media, tmp_path
):
    seed_service(service_a, 24)
    seed_service(service_b, 14, offset=5)
    sign_in(page, "dora")

    # The home offers a first return.
    assert page.get_by_test_id("home-returns").is_visible()
    axe(page, "commissioner home, no return yet")

    page.get_by_role("link", name="Quarterly returns").click()
    axe(page, "returns index")
    shoot(page, "returns-index")
    page.get_by_label("Quarter").select_option("2026Q1")
    page.get_by_role("button", name="Build the return").click()

    # Without Redis the task runs as the request commits; with a worker the
    # progress bar polls until it is ready. Either way: ready.
    page.get_by_test_id("download-xlsx").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Quarterly return 2026Q1").is_visible()
    assert page.get_by_role("table").filter(has_text="Referrals received").first.is_visible()
    axe(page, "return detail")
    shoot(page, "return-detail")

    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    download = info.value
    assert download.suggested_filename == "nectos-return-2026Q1.xlsx"
    path = tmp_path / "downloaded.xlsx"
    download.save_as(path)
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    measures = wb["Measures by service"]
    assert measures.freeze_panes == "C4"
    assert [c.value for c in measures[3]][2:] == ["Service A (A)", "Service B (B)", "All services"]

    page.reload()
    assert "Quarterly return (XLSX) by Dora Commissioner" in page.inner_text("main")

    # The home now shows the return's charts and tables.
    page.get_by_role("link", name="Home").click()
    page.get_by_test_id("home-returns").wait_for()
    page.locator("canvas[data-drawn]").first.wait_for()
    assert page.get_by_role("heading", name="Quarter 2026Q1").is_visible()
    axe(page, "commissioner home with a return")
    shoot(page, "home-commissioner")
    shoot(page, "home-commissioner-phone", width=390)
    assert page.console_errors == []


def test_a_manager_opens_the_extract_page(page, live_server, bob, service_a, sign_in, shoot, axe):
    sign_in(page, "bob")
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="NDTMS extract").click()
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Download the extract (CSV)").click()
    assert page.get_by_test_id("form-errors").is_visible()
    axe(page, "extract with an error")
    shoot(page, "returns-extract")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the extract (CSV)").click()
    assert info.value.suggested_filename == "ndtms-extract-A-20260101-20260331.csv"
