"""A commissioner builds the quarterly return in Chromium, downloads the
XLSX and opens it; the returns pages and the managers' NDTMS extract read
well and pass axe."""

import pytest
from openpyxl import load_workbook

from tests.dates import LITERAL_DAY
from tests.returns.helpers import seed_service

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


def test_a_manager_builds_checks_and_downloads_the_ndtms_extract(
    page, live_server, bob, service_a, sign_in, shoot, axe
):
    import datetime as dt

    from reporting.ndtms.reference import pack_load
    from tests.ndtms.helpers import PACK
    from tests.ndtms.support import pathway

    consenting, _, _ = pathway(service_a)
    consenting.local_authority = None  # one problem for the report
    consenting.save(update_fields=["local_authority"])
    sign_in(page, "bob")
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="NDTMS extract").click()
    page.get_by_label("Month").select_option("2026-10")
    page.get_by_role("button", name="Build and check the extract").click()
    # No version is in force yet: the form says so next to the month.
    assert page.get_by_test_id("form-errors").is_visible()
    assert "ask the administrator to load one" in page.inner_text("main")
    axe(page, "extract with an error")

    pack_load(path=PACK, in_force_from=dt.date(2025, 4, 1))
    page.get_by_label("Month").select_option("2026-10")
    page.get_by_role("button", name="Build and check the extract").click()
    page.get_by_test_id("extract-has-errors").wait_for()
    assert page.get_by_role("heading", name="NDTMS extract, Service A, October 2026").is_visible()
    problems = page.get_by_test_id("problems")
    assert consenting.reference in problems.inner_text()
    assert problems.get_by_role("link", name="Fix LA of " + consenting.reference).is_visible()
    axe(page, "extract data-quality report")
    shoot(page, "returns-extract-report")
    with page.expect_download() as info:
        page.get_by_test_id("download-extract").click()
    assert info.value.suggested_filename == "ndtms-A-2026-10-Q-WITH-ERRORS.csv"

    page.get_by_role("link", name="NDTMS extracts").click()
    assert page.get_by_role("link", name="October 2026").is_visible()
    axe(page, "extract index")
    shoot(page, "returns-extract")
    # The refused build answered 422 on purpose; nothing else went wrong.
    assert [e for e in page.console_errors if "422" not in e] == []
