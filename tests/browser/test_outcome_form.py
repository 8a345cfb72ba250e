"""A keyworker completes a 30-day outcome form from the badge on her
caseload, sees it beside the baseline on the client record, and a manager
sees who has overdue forms. Screenshots under artifacts/browser/."""

import datetime as dt

import pytest
from django.utils import timezone

from outcomes.actions import followups_sweep
from outcomes.models import FollowUp, OutcomeForm
from tests.factories import OutcomeFormFactory
from tests.pathway.helpers import assess, register, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def due_episode(alice, service_a):
    """JS started 30 days ago with a baseline of 10 days at £60: the day-30
    form is due. Another client's day-30 form is overdue. The service uses
    the NECTOS forms alone, so no TOP is due beside them."""
    service_a.outcome_instruments = "nectos"
    service_a.save(update_fields=["outcome_instruments"])
    referral = register(alice, service_a, on=days_ago(40), initials="JS")
    assess(referral, on=days_ago(35))
    episode = start(referral, alice, on=days_ago(30))
    OutcomeFormFactory(
        episode=episode,
        timepoint="baseline",
        form_date=episode.start_date,
        crack_days=10,
        crack_spend_per_day=60,
        recorded_by=alice,
    )
    late = register(alice, service_a, on=days_ago(60), initials="KT")
    assess(late, on=days_ago(55))
    start(late, alice, on=days_ago(45))
    followups_sweep(as_of=timezone.localdate())
    return episode


def test_a_keyworker_completes_the_30_day_form_from_her_caseload_badge(
    page, live_server, alice, due_episode, sign_in, shoot, axe
):
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/caseload/")
    row = page.get_by_test_id("caseload-row").filter(has_text="JS")
    badge = row.get_by_role("link", name="Day 30 form due for JS")
    assert badge.get_attribute("data-testid") == "followup-badge"
    shoot(page, "outcomes-caseload-badges")
    badge.click()

    page.get_by_role("heading", name="New outcome form").wait_for()
    assert page.get_by_label("Timepoint").input_value() == "day30"
    axe(page, "new 30-day form")
    shoot(page, "outcomes-form-new")

    page.get_by_label("Days crack was used").fill("3")
    for label in (
        "Days heroin was used",
        "Days cocaine powder was used",
        "Days other drugs were used",
    ):
        page.get_by_label(label).fill("0")
    page.get_by_label("Days alcohol was drunk").fill("4")
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Physical health (0 to 20)").fill("12")
    page.get_by_label("Psychological health (0 to 20)").fill("11")
    page.get_by_label("Quality of life (0 to 20)").fill("13")
    page.get_by_role("button", name="Save form").click()

    # Crack was used but no spend given: a message next to the field.
    alert = page.get_by_role("alert")
    assert "Typical spend per using day" in alert.inner_text()
    assert page.get_by_text("Enter the typical spend per using day").first.is_visible()
    assert not OutcomeForm.objects.filter(timepoint="day30").exists()
    axe(page, "form with an error")
    shoot(page, "outcomes-form-error")

    page.console_errors.clear()  # the 400 of the refused form
    page.get_by_label("Typical spend per using day (£)").fill("40")
    page.get_by_role("button", name="Save form").click()

    page.get_by_text("Day 30 form saved.").wait_for()
    assert page.url.endswith("/caseload/")
    assert (
        page.get_by_test_id("caseload-row")
        .filter(has_text="JS")
        .get_by_test_id("followup-badge")
        .count()
        == 0
    )
    assert FollowUp.objects.get(episode=due_episode, timepoint="day30").state == "done"

    # The client record: the form beside the baseline, and the chart.
    js_row = page.get_by_test_id("caseload-row").filter(has_text="JS")
    js_row.get_by_role("link", name="JS", exact=True).click()
    panel = page.get_by_test_id("episode-outcomes")
    panel.wait_for()
    table = panel.get_by_test_id("outcome-table").inner_text()
    assert "£600" in table and "£120" in table and "(-7)" in table
    page.locator("canvas[data-outcome-chart][data-drawn]").wait_for()
    assert not page.console_errors
    axe(page, "client record with outcomes")
    panel.scroll_into_view_if_needed()
    shoot(page, "outcomes-record-panel")


def test_the_follow_up_pages_read_well(
    page, live_server, alice, bob, due_episode, sign_in, shoot, axe
):
    sign_in(page, "alice")
    page.get_by_role("link", name="Follow-ups").click()
    page.get_by_role("heading", name="Follow-ups", exact=True).wait_for()
    assert page.get_by_test_id("outstanding-table").get_by_role("row").count() == 3
    axe(page, "follow-ups")
    shoot(page, "outcomes-follow-ups")
    shoot(page, "outcomes-follow-ups-320", width=320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/outcomes/episodes/{due_episode.pk}/forms/new/?timepoint=day30")
    axe(page, "form on a phone")
    shoot(page, "outcomes-form-320", width=320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "bob")
    page.goto(f"{live_server.url}/outcomes/overdue/")
    assert "Alice Keyworker: 1 overdue" in page.content()
    axe(page, "overdue by keyworker")
    shoot(page, "outcomes-overdue")


def test_a_residential_admission_opens_with_its_ratings(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    referral = register(alice, service_a, on=days_ago(5), initials="RR")
    assess(referral, on=days_ago(4))
    episode = start(referral, alice, on=days_ago(1), tier=4, planned_days=84)
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/clients/{episode.referral.client.key}/")
    page.get_by_role("link", name="Record the admission ratings").click()
    page.get_by_role("heading", name="Admission ratings and baseline form").wait_for()
    ratings = page.get_by_role("group", name="Residential ratings at admission")
    use = page.get_by_role("group", name="Crack use in the last 30 days")
    assert ratings.bounding_box()["y"] < use.bounding_box()["y"]
    assert ratings.get_by_label("Cravings (0 to 10)").get_attribute("required") is not None
    axe(page, "admission ratings")
    shoot(page, "outcomes-tier4-admission")
