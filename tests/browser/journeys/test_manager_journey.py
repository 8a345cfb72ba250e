"""A service manager's Monday in Chromium: first sign-in (setting up the
second factor), the service dashboard for last quarter, the people behind
the funnel's "did not attend" count, a client reallocated to another
keyworker, and who has opened that client's record. Every step is
screenshotted (artifacts/browser/journeys/manager/) and checked with axe."""

import datetime as dt
import time
from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from clients.models import AccessEvent, AccessKind
from interchange.demo import DEMO_PASSWORD
from keywork.models import Episode
from reporting.dashboards.quarters import Quarter
from reporting.metrics import Cohort, funnel
from tests.browser.journeys.seeds import in_treatment, seed_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def northgate(demo):
    """Last quarter's referrals at Northgate, shared by Alice and Erin, and
    Pat, in treatment with Alice, whose record Alice opened this morning."""
    nth = demo["services"]["NTH"]
    alice, erin = demo["staff"]["alice"], demo["staff"]["erin"]
    quarter = Quarter.of(timezone.localdate()).previous()
    seed_quarter(nth, [alice, erin], first_day=quarter.start, n=36)
    pat = in_treatment(nth, alice, initials="PQ", name="Pat", started=20, seen=2)
    AccessEvent.objects.create(
        user=alice,
        role="keyworker",
        service=nth,
        kind=AccessKind.VIEW,
        client=pat.referral.client,
        at=timezone.now() - dt.timedelta(hours=2),
        path=f"/clients/{pat.referral.client.key}/",
    )
    return quarter, pat


def test_a_manager_reads_the_dashboard_follows_a_count_and_reallocates(
    page, live_server, demo, northgate, journey, axe, settings
):
    settings.MFA_REQUIRED = True
    quarter, pat = northgate
    steps = journey("manager")

    # First sign-in: the password, then setting up the authenticator app.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert "/account/two-factor/setup/" in page.url
    secret = page.get_by_test_id("totp-secret").get_attribute("data-secret")
    page.get_by_label("Code from the app").fill(code_for(secret))
    axe(page, "second factor set-up")
    steps.step("set-up-second-factor", full_page=True)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("recovery-codes").locator("code").count() == 10
    axe(page, "recovery codes")
    steps.step("recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "Bob Brennan" in page.get_by_test_id("whoami").inner_text()
    page.get_by_test_id("caseload").wait_for()
    axe(page, "manager home")
    steps.step("home")

    # The dashboard opens on last quarter.
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Manage").click()
    # Bob manages Northgate and its two spokes: he chooses Northgate.
    menu.get_by_role("link", name="Dashboards").click()
    page.get_by_test_id("dashboard-services").get_by_role(
        "link", name="Northgate Stimulant Service", exact=True
    ).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("Quarter", exact=True).input_value() == quarter.code
    page.get_by_test_id("funnel-table").wait_for()
    assert "Figures worked out on" in page.get_by_test_id("snapshot-status").inner_text()
    page.locator("canvas[data-chart]").first.wait_for()
    axe(page, "service dashboard")
    steps.step("dashboard")
    expected = funnel(
        Cohort(quarter.start, quarter.end, timezone.localdate(), [demo["services"]["NTH"].pk]),
        detail=True,
    )
    table = page.get_by_test_id("funnel-table")
    assert int(table.get_by_test_id("funnel-referred").inner_text()) == expected["referred"]
    assert int(table.get_by_test_id("funnel-started").inner_text()) == expected["started"]
    steps.step("dashboard-funnel", at="#funnel-heading")
    steps.step("dashboard-retention", at="#retention-heading")
    steps.step("dashboard-keywork", at="#intensity-heading")
    steps.step("dashboard-outcomes", at="#outcomes-heading")

    # The "did not attend" count opens the list of those referrals.
    assert expected["did_not_attend"] > 0
    page.get_by_test_id("funnel-did-not-attend").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Did not attend")
    rows = page.get_by_test_id("records-table").locator("tbody tr")
    assert rows.count() == expected["did_not_attend"]
    axe(page, "did not attend list")
    steps.step("did-not-attend")

    # Reallocate Pat from Alice to Erin, from her record.
    menu.get_by_role("link", name="Caseload").click()
    page.get_by_test_id("caseload-row").filter(has_text="PQ · Pat").get_by_role(
        "link", name="PQ · Pat"
    ).click()
    page.wait_for_load_state("networkidle")
    current = page.get_by_test_id("current-episode")
    assert "Alice Adeyemi" in current.inner_text()
    current.get_by_role("link", name="Reallocate").click()
    page.get_by_role("heading", name="Reallocate to another keyworker").wait_for()
    page.get_by_label("Keyworker").select_option(label="Erin Evans")
    axe(page, "reallocate")
    steps.step("reallocate")
    page.get_by_role("button", name="Reallocate").click()
    page.wait_for_load_state("networkidle")
    assert "Erin Evans" in page.get_by_test_id("current-episode").inner_text()
    assert Episode.objects.get(pk=pat.pk).keyworker == demo["staff"]["erin"]
    steps.step("reallocated")

    # Who has opened Pat's record: Alice this morning, and Bob just now.
    page.get_by_role("link", name="Who has opened this record").click()
    page.get_by_role("heading", name="Who opened this record").wait_for()
    events = page.get_by_test_id("access-events")
    assert "Alice Adeyemi" in events.inner_text()
    assert "Bob Brennan" in events.inner_text()
    assert "Viewed the record" in events.inner_text()
    axe(page, "who opened this record")
    steps.step("access-log")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url
    assert page.console_errors == []
