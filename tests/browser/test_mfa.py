"""A keyworker enrols an authenticator app at first sign-in, then signs in
with a code from it; the pages are screenshotted and checked with axe."""

import time
from base64 import b32decode

import pytest
import time_machine
from django_otp.oath import TOTP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


STEP = 30  # seconds in a TOTP time step


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + steps_ahead * STEP
    return f"{totp.token():06d}"


def next_step_start() -> int:
    return (int(time.time()) // STEP + 1) * STEP + 1


@pytest.fixture
def step_clock():
    """The server (same process) and the test share a clock that starts one
    second into a TOTP step; the test moves it into the next step instead of
    waiting for the wall clock to get there."""
    with time_machine.travel(next_step_start(), tick=True) as traveller:
        yield traveller


def test_a_keyworker_enrols_a_second_factor_and_signs_in_with_it(
    page, live_server, alice, sign_in, shoot, axe, settings, step_clock
):
    settings.MFA_REQUIRED = True

    page.goto(f"{live_server.url}/login/")
    assert page.get_by_test_id("mfa-off").count() == 0

    sign_in(page, "alice")
    assert "/account/two-factor/setup/" in page.url
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    axe(page, "second factor set-up")
    shoot(page, "mfa-setup")
    secret = page.get_by_test_id("totp-secret").get_attribute("data-secret")

    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state("networkidle")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    axe(page, "recovery codes")
    shoot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "Alice Keyworker" in page.get_by_test_id("whoami").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    sign_in(page, "alice")
    assert "/account/verify/" in page.url
    axe(page, "second factor code")
    shoot(page, "mfa-verify")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert "did not work" in page.locator("#main").inner_text()
    axe(page, "wrong code")
    shoot(page, "mfa-verify-wrong-code")

    # A wrong code makes the next try wait a second, and the set-up used this
    # step's code: move into the next step, whose code the app shows now.
    step_clock.move_to(next_step_start())
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "Alice Keyworker" in page.get_by_test_id("whoami").inner_text()

    page.goto(f"{live_server.url}/account/")
    assert "On: authenticator app" in page.get_by_test_id("mfa-status").inner_text()
    assert "This session" in page.get_by_test_id("sessions").inner_text()
    axe(page, "account security")
    shoot(page, "account-security")
    shoot(page, "account-security-320", width=320)
    # The wrong code was answered 422 on purpose; nothing else may complain.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_the_demo_login_page_says_two_factor_is_off(page, live_server, shoot, axe, settings):
    settings.MFA_REQUIRED = False
    page.goto(f"{live_server.url}/login/")
    assert "switched off" in page.get_by_test_id("mfa-off").inner_text()
    axe(page, "login page with MFA off")
    shoot(page, "login-mfa-off")
