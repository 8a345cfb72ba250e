"""A commissioner's quarter in Chromium: sign in, build the return for the
last quarter, compare the services side by side, download the XLSX and
open it, and find no way to reach a client: no page links to one, and every
client, record and search address answers 404. Every step is screenshotted
(artifacts/browser/journeys/commissioner/) and checked with axe."""

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from interchange.demo import DEMO_PASSWORD
from reporting.dashboards.quarters import Quarter
from reporting.models import QuarterlyReturn
from tests.browser.journeys.seeds import in_treatment, seed_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Paths that lead to a person: client records and everything hung from them.
CLIENT_PATH = re.compile(
    r"^/(clients|referrals|appointments|episodes|contacts|keywork-appointments|goals|groups|"
    r"group-enrolments|drop-in|drop-in-attendances|outcomes|caseload|waiting-list|week|"
    r"break-glass|dashboards)(/|$)"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def services(demo):
    """Last quarter at four of Dora's five services (Riverside had none), the
    one before at two of them, and
    a client in treatment whose addresses she will try."""
    s, staff = demo["services"], demo["staff"]
    quarter = Quarter.of(timezone.localdate()).previous()
    day = quarter.start
    seed_quarter(s["NTH"], [staff["alice"], staff["erin"]], first_day=day, n=40)
    seed_quarter(s["EST"], [staff["charlie"], staff["maya"]], first_day=day, n=28, offset=3)
    seed_quarter(s["STH"], [staff["gita"]], first_day=day, n=20, offset=5)
    seed_quarter(s["WST"], [staff["isla"]], first_day=day, n=14, offset=2)
    # The quarter before, so that day-90 retention has people to count.
    earlier = quarter.previous()
    seed_quarter(s["NTH"], [staff["alice"]], first_day=earlier.start, n=24, offset=7)
    seed_quarter(s["EST"], [staff["charlie"]], first_day=earlier.start, n=20, offset=9)
    episode = in_treatment(
        s["NTH"], staff["alice"], initials="QZ", name="Quinn", started=40, seen=3
    )
    return quarter, episode


def client_links(page) -> list[str]:
    """Every link and form on the page that points at a client page."""
    targets = page.evaluate(
        "() => [...document.querySelectorAll('a[href], form[action], [hx-get], [hx-post]')]"
        ".map((e) => e.getAttribute('href') || e.getAttribute('action')"
        " || e.getAttribute('hx-get') || e.getAttribute('hx-post'))"
    )
    paths = [re.sub(r"^https?://[^/]+", "", t) for t in targets]
    return [p for p in paths if CLIENT_PATH.match(p)]


def test_a_commissioner_compares_services_downloads_the_return_and_reaches_no_client(
    page, live_server, demo, services, journey, axe, media, tmp_path
):
    quarter, episode = services
    steps = journey("commissioner")
    seen: dict[str, list[str]] = {}

    def look(name: str) -> None:
        seen[name] = client_links(page)

    # Sign in (the demo has two-factor sign-in switched off, and says so).
    page.goto(f"{live_server.url}/login/")
    assert "switched off" in page.get_by_test_id("mfa-off").inner_text()
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    axe(page, "sign-in page")
    steps.step("sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert "Dora Dalton" in page.get_by_test_id("whoami").inner_text()
    home = page.get_by_test_id("home-returns")
    assert f"The latest complete quarter is {quarter.code}" in home.inner_text()
    axe(page, "commissioner home, no return yet")
    look("home")
    steps.step("home")

    # Build last quarter's return from the home page.
    page.get_by_role("button", name=f"Build the {quarter.code} return").click()
    page.get_by_test_id("download-xlsx").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name=f"Quarterly return {quarter.code}").is_visible()
    axe(page, "return ready")
    look("return")
    steps.step("return-ready")

    # The services side by side, each with its own column and the total.
    table = page.get_by_role("table").filter(has_text="Referrals received").first
    header = table.locator("thead th").all_inner_texts()
    for name in (
        "Northgate Stimulant Service",
        "Eastside Crack Team",
        "Southbank Open Access",
        "Westway Day Programme",
        "Riverside Residential",
    ):
        assert name in header
    assert header[-1] == "All services"
    referred = table.get_by_role("row").filter(has_text="Referrals received").first
    cells = referred.locator("td").all_inner_texts()
    assert cells[header.index("Northgate Stimulant Service") - 1] == "40"
    # Riverside had none: 0, or hidden when the disclosure rules hide its
    # column (tests/returns decide which; this journey is about the page).
    assert cells[header.index("Riverside Residential") - 1] in ("0", "*")
    table.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    steps.step("compare-services")

    # Download the spreadsheet and open it.
    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    download = info.value
    assert download.suggested_filename == f"nectos-return-{quarter.code}.xlsx"
    path = tmp_path / "return.xlsx"
    download.save_as(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Cover", "Measures by service", "Breakdowns"]
    columns = [c.value for c in workbook["Measures by service"][3]][2:]
    assert columns[-1] == "All services" and "Westway Day Programme (WST)" in columns
    page.reload()
    assert "Quarterly return (XLSX) by Dora Dalton" in page.inner_text("main")
    assert QuarterlyReturn.objects.get().downloads.count() == 1
    steps.step("downloaded", at="#downloads")

    # The list of returns, and the home page now showing this quarter.
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Quarterly returns").click()
    axe(page, "returns list")
    look("returns list")
    steps.step("returns-list")
    menu.get_by_role("link", name="Home").click()
    page.locator("canvas[data-drawn]").first.wait_for()
    assert page.get_by_role("heading", name=f"Quarter {quarter.code}").is_visible()
    axe(page, "commissioner home with the return")
    look("home with the return")
    steps.step("home-with-return")

    # No page she saw links to a client, and every way in answers 404.
    assert {name: links for name, links in seen.items() if links} == {}
    client = episode.referral.client
    for path in (
        f"/clients/{client.key}/",
        f"/clients/{client.key}/access/",
        "/clients/search/",
        "/caseload/",
        "/waiting-list/",
        f"/referrals/{episode.referral.pk}/start/",
        f"/episodes/{episode.pk}/contacts/",
        f"/outcomes/episodes/{episode.pk}/",
        "/break-glass/",
        "/dashboards/NTH/",
        "/dashboards/NTH/records/?measure=caseload:open",
        "/returns/extract/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path
        assert client.initials not in page.inner_text("main"), path
    assert page.get_by_role("heading", name="Page not found").is_visible()
    axe(page, "page not found")
    steps.step("no-client-page")
    # Search terms travel in a POST body: that answers 404 too.
    page.goto(f"{live_server.url}/")
    status = page.evaluate(
        """async () => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const response = await fetch('/clients/search/', {method: 'POST',
                headers: {'X-CSRFToken': token}, body: new URLSearchParams({terms: 'QZ'})});
            return response.status;
        }"""
    )
    assert status == 404
    page.console_errors.clear()  # the 404s above, on purpose
    page.reload()
    assert page.console_errors == []
