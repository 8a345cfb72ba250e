"""The client pathway in Chromium: a keyworker takes a new client from
referral to treatment and back, and the pathway pages read well on a desktop
and a phone."""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390


def _today() -> str:
    return timezone.localdate().isoformat()


def test_a_keyworker_walks_a_client_from_referral_to_treatment_and_back(
    page, live_server, alice, service_a, sign_in, axe
):
    sign_in(page, "alice")
    page.get_by_role("link", name="Register referral").click()

    page.get_by_label("Initials").fill("mk")
    page.get_by_label("Date of birth").fill("1990-03-14")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Ethnic category").select_option(label="White: British")
    page.get_by_label("Preferred name").fill("Mel")
    page.get_by_label("Referral source").select_option(label="Self")
    axe(page, "register a referral")
    page.get_by_role("button", name="Register referral").click()

    assert page.get_by_role("heading", name="MK · Mel").is_visible()
    page.get_by_role("link", name="Book assessment").click()
    page.get_by_label("Appointment date").fill(_today())
    page.get_by_role("button", name="Book appointment").click()

    page.get_by_label("What happened").select_option(label="Attended")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("status").filter(has_text="Recorded: Attended").wait_for()
    page.get_by_role("link", name="Start treatment").click()

    axe(page, "start treatment")
    page.get_by_role("button", name="Start treatment").click()
    assert page.get_by_test_id("current-episode").is_visible()

    page.get_by_role("link", name="Caseload", exact=True).click()
    row = page.get_by_test_id("caseload-row").filter(has_text="MK")
    assert "Not seen yet" in row.inner_text()

    row.get_by_role("link").first.click()
    page.get_by_role("link", name="End episode").click()
    page.get_by_label("Reason").select_option(label="Dropped out / left early")
    page.get_by_role("button", name="End episode").click()
    assert page.get_by_test_id("episode-history").is_visible()
    assert not page.get_by_test_id("current-episode").is_visible()

    # She comes back: a new referral from her record keeps her history.
    page.get_by_role("link", name="New referral for this client").click()
    page.get_by_label("Referral source").select_option(label="GP")
    page.get_by_role("button", name="Register referral").click()
    assert "earlier history is kept" in page.get_by_role("status").first.inner_text()
    waiting = page.get_by_test_id("waiting-referral")
    assert "Returned" in waiting.inner_text()
    # Two referrals, the assessment, the start and the end of the first episode.
    assert page.get_by_test_id("timeline-entry").count() == 5
    axe(page, "client record after re-engagement")
    assert page.console_errors == []


def test_registering_someone_already_known_offers_their_record(
    page, live_server, alice, service_a, sign_in
):
    from tests.pathway.helpers import register

    known = register(alice, service_a, initials="JS")
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("Initials").fill("JS")
    page.get_by_label("Date of birth").fill("1985-06-01")
    page.get_by_label("Sex").select_option(label="Male")
    matches = page.get_by_test_id("possible-matches")
    matches.wait_for()
    matches.get_by_label("Use this client").check()
    page.get_by_label("Referral source").select_option(label="Probation")
    page.get_by_role("button", name="Register referral").click()

    assert f"/clients/{known.client.key}/" in page.url
    assert page.get_by_test_id("waiting-referral").count() == 1


def _seed_a_service(alice, bob, service_a):
    """A small, plausible service: people in treatment, people waiting."""
    from clients.actions import appointment_book
    from clients.models import Attendance
    from tests.factories import ContactFactory
    from tests.pathway.helpers import assess, days_ago, discharge, register, start

    people = [
        ("AB", "Andy", 90, 3),
        ("CD", "", 40, 12),
        ("EF", "Eve", 20, 30),
        ("GH", "", 10, None),
        ("JK", "Jay", 150, 5),
    ]
    for i, (initials, name, started, seen) in enumerate(people):
        referral = register(alice, service_a, initials=initials, on=days_ago(started + 14))
        referral.client.preferred_name = name
        referral.client.save()
        assess(referral, on=days_ago(started + 7))
        episode = start(referral, alice if i % 2 == 0 else bob, on=days_ago(started))
        if seen is not None:
            ContactFactory(episode=episode, contact_date=days_ago(seen))
    returning = register(alice, service_a, initials="LM", on=days_ago(400))
    assess(returning, on=days_ago(395))
    discharge(start(returning, alice, on=days_ago(390)), on=days_ago(300))
    again = register(alice, service_a, client=returning.client, on=days_ago(30))
    assess(again, on=days_ago(25))
    start(again, alice, on=days_ago(20))
    for initials, ago in [("NP", 3), ("QR", 18), ("ST", 45)]:
        referral = register(alice, service_a, initials=initials, on=days_ago(ago))
        if ago > 10:
            appointment_book(
                referral=referral, offered_date=days_ago(ago), appointment_date=days_ago(ago - 5)
            )
    dna = register(alice, service_a, initials="VW", on=days_ago(25))
    assess(dna, on=days_ago(20), attendance=Attendance.DNA)
    waiting = register(alice, service_a, initials="XY", on=days_ago(12))
    assess(waiting, on=days_ago(5))
    return again.client


@pytest.mark.parametrize("width", [1366, PHONE])
def test_the_pathway_pages_read_well(
    page, live_server, alice, bob, service_a, sign_in, shoot, axe, width
):
    client = _seed_a_service(alice, bob, service_a)
    page.set_viewport_size({"width": width, "height": 768 if width > PHONE else 800})
    sign_in(page, "bob")
    suffix = "" if width > PHONE else "-phone"
    for name, path in [
        ("caseload", "/caseload/"),
        ("waiting-list", "/waiting-list/"),
        ("client-record", f"/clients/{client.key}/"),
        ("register-referral", "/referrals/new/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        axe(page, f"{name} at {width}px")
        shoot(page, f"pathway-{name}{suffix}")
        assert "{#" not in page.content()  # a template comment Django did not take
        if name in ("caseload", "waiting-list"):
            # One table for every screen: on a phone its rows stack into
            # cards that fit the width, each cell naming what it holds.
            fits = page.evaluate(
                "() => { const t = document.querySelector('table.table-stack');"
                " return t.getBoundingClientRect().width <= window.innerWidth; }"
            )
            assert fits
        if name == "caseload":
            tier = page.get_by_test_id("caseload-row").first.locator("td").first
            label = tier.evaluate("td => getComputedStyle(td, '::before').content")
            assert label == ('"Tier: "' if width == PHONE else "none")
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("caseload").wait_for()
    shoot(page, f"pathway-home-manager{suffix}")
    assert page.console_errors == []
