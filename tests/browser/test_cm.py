"""A keyworker records today's negative urine test from the keyboard alone
(n, Enter) and sees the voucher it earned; the CM pages pass axe.
Screenshots under artifacts/browser/."""

import pytest

from contingency.models import DrugTest
from tests.contingency.helpers import make_episode, set_tests, start_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(alice, service_a):
    """Three negatives in a row; the fourth test is due today."""
    episode = make_episode(service_a, alice)
    plan = start_plan(episode, alice, days_ago=3)
    set_tests(plan, (0, "negative"), (1, "negative"), (2, "negative"), (3, ""), (7, ""))
    return plan


def test_a_negative_urine_test_from_the_keyboard_shows_its_voucher(
    page, live_server, alice, plan, sign_in, shoot, axe
):
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/cm/today/")
    axe(page, "today's tests")
    shoot(page, "cm-today")
    page.get_by_role("link", name="Record the test of").focus()
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Drug test scheduled").wait_for()
    result = page.get_by_label("Result")
    assert result.evaluate("el => el === document.activeElement")
    assert page.get_by_label("Sample").input_value() == "urine"
    axe(page, "record a test")
    shoot(page, "cm-record-form")

    page.keyboard.press("n")
    page.keyboard.press("Enter")
    page.get_by_text("£5.00, 4 negatives in a row").wait_for()
    shoot(page, "cm-recorded")
    test = DrugTest.objects.get(plan=plan, scheduled_date=plan.start_date.fromordinal(
        plan.start_date.toordinal() + 3))  # fmt: skip
    assert (test.result, test.sample) == ("negative", "urine")

    client = plan.episode.referral.client
    page.goto(f"{live_server.url}/clients/{client.key}/")
    panel = page.get_by_test_id("record-cm")
    assert "4 negatives in a row" in panel.inner_text()
    assert page.get_by_test_id("cm-next-value").inner_text() == "£6.00"
    axe(page, "client record with the CM strip")
    shoot(page, "cm-record-strip")

    page.goto(f"{live_server.url}/cm/plans/{plan.pk}/")
    axe(page, "plan page")
    shoot(page, "cm-plan")
    page.goto(f"{live_server.url}/cm/plans/{plan.pk}/vouchers/")
    assert "balance £14.00" in page.get_by_test_id("cm-balance").inner_text()
    axe(page, "vouchers")
    shoot(page, "cm-vouchers")
    assert not page.console_errors


def test_the_plan_start_page_passes_axe(page, live_server, alice, service_a, sign_in, shoot, axe):
    episode = make_episode(service_a, alice)
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/cm/episodes/{episode.pk}/plan/new/")
    axe(page, "plan start")
    shoot(page, "cm-plan-start")
    page.get_by_role("button", name="Start the plan and schedule its tests").click()
    page.get_by_text("CM plan started: 21 tests scheduled.").wait_for()
