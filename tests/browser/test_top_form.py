"""A keyworker fills a whole Treatment Outcomes Profile with the keyboard
only: digits and Tab through the four-week grid, D to mark an item
declined, the 28-day total as she types; then the form at phone width.
Screenshots under artifacts/browser/."""

import datetime as dt

import pytest

from nectos import clock
from outcomes.top_models import DAY_ITEMS, TreatmentOutcomesProfile
from tests.outcomes.top_support import make_top
from tests.pathway.helpers import assess, register, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Week values typed per item (oldest first); "d" marks the item declined.
TYPED = dict.fromkeys(DAY_ITEMS, "0000")
TYPED |= {
    "alcohol_days": "1100",
    "crack_days": "2310",
    "tobacco_days": "7777",
    "cannabis_days": "d",
    "work_days": "0123",
}


def days_ago(n: int) -> dt.date:
    return clock.today() - dt.timedelta(days=n)


@pytest.fixture
def episode(alice, service_a):
    referral = register(alice, service_a, on=days_ago(20), initials="JS")
    assess(referral, on=days_ago(15))
    return start(referral, alice, on=days_ago(5))


def tab_to(page, name: str, limit: int = 200) -> None:
    """Press Tab until the field called `name` has the focus."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


def test_a_whole_top_with_the_keyboard_only(page, live_server, alice, episode, sign_in, shoot, axe):
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/outcomes/episodes/{episode.pk}/tops/new/")
    page.get_by_role("heading", name="Treatment Outcomes Profile").wait_for()
    axe(page, "new TOP")
    page.focus("select[name=stage]")

    for item, typed in TYPED.items():
        tab_to(page, f"{item}_w1")
        if typed == "d":
            page.keyboard.press("d")
            continue
        for i, digit in enumerate(typed):
            if i:
                page.keyboard.press("Tab")
            page.keyboard.type("x")  # not a digit: refused
            page.keyboard.type(digit)
        if item == "crack_days":
            row = page.locator("tr[data-top-row]", has=page.locator("[name=crack_days_w1]"))
            assert row.locator("output[data-total]").inner_text() == "6"
    tab_to(page, "alcohol_units")
    page.keyboard.type("8")
    tab_to(page, "crack_spend")
    page.keyboard.type("40")
    for name, key in (
        ("sharing", "n"),
        ("assault", "n"),
        ("acute_housing_problem", "y"),
        ("risk_of_eviction", "n"),
    ):
        tab_to(page, name)
        page.keyboard.type(key)
    for name, score in (
        ("psychological_health", "9"),
        ("physical_health", "12"),
        ("quality_of_life", "10"),
    ):
        tab_to(page, name)
        page.keyboard.type(score)
    shoot(page, "top-form-filled")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/outcomes/episodes/{episode.pk}/")

    top = TreatmentOutcomesProfile.objects.get()
    assert top.stage == "start"
    assert top.crack_days == [2, 3, 1, 0]
    assert top.work_days == [0, 1, 2, 3]
    assert top.value("cannabis_days") == "declined"
    assert top.acute_housing_problem is True
    assert (top.psychological_health, top.physical_health, top.quality_of_life) == (9, 12, 10)
    assert not page.console_errors
    axe(page, "episode outcomes with a TOP")
    shoot(page, "top-episode-panel")


def test_the_previous_top_is_one_click_away_at_phone_width(
    page, live_server, alice, episode, sign_in, shoot, axe
):
    make_top(episode, "start", episode.start_date, cannabis_days=[1, 2, 3, 4])
    sign_in(page, "alice")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/outcomes/episodes/{episode.pk}/tops/new/")
    previous = page.locator("td.top-prev", has_text="1 2 3 4")
    assert not previous.is_visible()
    page.get_by_role("button", name="Show the previous TOP").click()
    assert previous.is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, width
    # Hidden again, the grid's own columns fit without scrolling sideways.
    page.get_by_role("button", name="Show the previous TOP").click()
    grid = page.locator(".top-grid").first
    sizes = grid.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, sizes
    shoot(page, "top-form-phone-grid", width=390)
    axe(page, "TOP form at phone width")
    shoot(page, "top-form-phone", width=390)
