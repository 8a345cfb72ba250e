"""The audit and account pages in Chromium: break-glass, the manager's logs,
who opened a record, password change; screenshots and axe."""

import pytest

from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Client is transferring to us from Service A next week"


@pytest.fixture
def client_a(service_a, alice):
    referral = ReferralFactory(service=service_a, client__initials="QZ")
    ContactFactory(episode=EpisodeFactory(referral=referral, keyworker=alice), note="first visit")
    return referral.client


def test_break_glass_then_the_manager_sees_it(
    page, live_server, sign_in, shoot, axe, client_a, charlie, bob
):
    sign_in(page, "charlie")
    page.goto(f"{live_server.url}/break-glass/")
    axe(page, "break-glass form")
    shoot(page, "break-glass-form")
    page.get_by_label("Client reference").fill(client_a.reference)
    page.get_by_label("Kind of reason").select_option("transfer")
    page.get_by_label("Why you need this record").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("break-glass-notice").is_visible()
    assert "first visit" in page.locator("#main").inner_text()
    axe(page, "break-glass record")
    shoot(page, "break-glass-record")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    sign_in(page, "bob")
    page.goto(f"{live_server.url}/break-glass/log/")
    assert REASON in page.get_by_test_id("break-glass-events").inner_text()
    axe(page, "break-glass log")
    shoot(page, "break-glass-log")

    page.get_by_role("link", name=f"QZ · {client_a.reference}").click()
    page.wait_for_load_state("networkidle")
    events = page.get_by_test_id("access-events").inner_text()
    assert "Charlie Keyworker" in events and "Break-glass view" in events
    axe(page, "who opened this record")
    shoot(page, "client-access-log")
    shoot(page, "client-access-log-320", width=320)
    assert page.console_errors == []


def test_a_wrong_reason_is_shown_next_to_the_field(page, live_server, sign_in, axe, charlie):
    sign_in(page, "charlie")
    page.goto(f"{live_server.url}/break-glass/")
    page.get_by_label("Client reference").fill("NOPE")
    page.get_by_label("Why you need this record").fill("short")
    page.get_by_role("button", name="Open the record").click()
    page.wait_for_load_state("networkidle")
    assert "at least 15 characters" in page.locator("#main").inner_text()
    axe(page, "break-glass errors")


def test_the_password_page(page, live_server, sign_in, shoot, axe, alice):
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/account/password/")
    axe(page, "change password")
    shoot(page, "password-change")
