"""Keywork in Chromium: a contact logged with the keyboard alone, a group
register, and every keywork page looked at (screenshots) and checked by axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keywork.actions.careplans import goal_add, goal_review
from keywork.actions.contacts import appointment_book, contact_log, contact_update
from keywork.actions.dropin import drop_in_attendance_add, drop_in_session_create
from keywork.actions.groups import group_enrol, group_session_create
from keywork.models import Contact, GroupEnrolment
from tests.factories import ClientFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 320


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def in_treatment(keyworker, service, initials: str, started: int = 40, **kwargs):
    referral = ReferralFactory(
        service=service,
        referral_date=days_ago(started + 10),
        client=ClientFactory(initials=initials),
    )
    return EpisodeFactory(
        referral=referral, keyworker=keyworker, start_date=days_ago(started), **kwargs
    )


def focus_by_tab(page, selector: str, limit: int = 80) -> None:
    """Tab through the page until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"never reached {selector} with Tab")


def test_a_keyworker_logs_a_contact_with_the_keyboard_alone(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    episode = in_treatment(alice, service_a, "KB")
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/clients/{episode.referral.client.key}/")
    entries_before = page.get_by_test_id("timeline-entry").count()

    focus_by_tab(page, "[data-testid='log-contact']")
    page.keyboard.press("Enter")  # opens the form in place
    expect(page.get_by_label("Motivational interviewing")).to_be_focused()
    focused = page.evaluate(
        "[0].map(() => document.activeElement).map(e => [e.type, e.value, e.checked])[0]"
    )
    assert focused == ["checkbox", "motivational_interviewing", False]
    axe(page, "contact logger open")
    shoot(page, "keywork-logger-open")

    page.keyboard.press("Space")  # 1: tick the first intervention
    page.keyboard.press("Enter")  # 2: save
    page.get_by_test_id("contact-logged").wait_for()

    contact = Contact.objects.get()
    assert (contact.contact_date, contact.contact_type, contact.mode) == (
        timezone.localdate(),
        "keywork",
        "in_person",
    )
    assert (contact.duration_minutes, contact.attendance, contact.recorded_by) == (
        60,
        "attended",
        alice,
    )
    assert list(contact.interventions.values_list("code", flat=True)) == [
        "motivational_interviewing"
    ]
    # The timeline reloaded itself with the new contact on top.
    expect(page.get_by_test_id("timeline-entry")).to_have_count(entries_before + 1)
    first = page.get_by_test_id("timeline-entry").first
    assert first.get_attribute("data-kind") == "contact"
    assert page.evaluate("document.activeElement.dataset.testid") == "contact-logged"
    axe(page, "contact logged")
    shoot(page, "keywork-logger-logged")
    assert page.console_errors == []


def test_a_bad_contact_is_explained_in_place_and_escape_closes_the_form(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    episode = in_treatment(alice, service_a, "ER")
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/clients/{episode.referral.client.key}/")
    page.get_by_test_id("log-contact").click()
    expect(page.get_by_label("Motivational interviewing")).to_be_focused()
    page.keyboard.press("Enter")  # no intervention ticked
    page.get_by_test_id("form-errors").wait_for()
    assert "Tick at least one intervention" in page.get_by_test_id("form-errors").inner_text()
    assert page.evaluate("document.activeElement.dataset.testid") == "form-errors"
    axe(page, "contact logger with errors")
    shoot(page, "keywork-logger-errors")
    page.get_by_label("Attendance").select_option("dna")
    assert page.get_by_label("Minutes").is_disabled()
    page.get_by_label("Attendance").press("Escape")
    page.get_by_test_id("contact-form").wait_for(state="detached")
    assert page.evaluate("document.activeElement.dataset.testid") == "log-contact"
    assert not Contact.objects.exists()


def test_a_facilitator_records_a_group_register_at_once(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    service_a.day_programme_weeks = 12
    service_a.save()
    episodes = [in_treatment(alice, service_a, initials) for initials in ("GA", "GB", "GC")]
    session = group_session_create(
        service=service_a,
        acting_user=alice,
        session_date=timezone.localdate(),
        title="Day programme: mornings",
        kind="day_programme",
        facilitator=alice,
    )
    group_enrol(session=session, acting_user=alice, episode_ids=[e.pk for e in episodes])
    sign_in(page, "alice")
    page.get_by_role("link", name="Groups").click()
    axe(page, "groups")
    shoot(page, "keywork-groups")
    page.get_by_role("link", name="Day programme: mornings").click()
    axe(page, "group session register")
    shoot(page, "keywork-register")

    page.get_by_label("Attendance for GB").select_option("dna")
    page.get_by_label("Minutes for GC").fill("45")
    page.get_by_label("Relapse prevention").check()
    page.get_by_role("button", name="Save register").click()
    page.get_by_role("status").filter(has_text="Register saved: 2 of 3 attended").wait_for()

    contacts = {c.episode.referral.client.initials: c for c in Contact.objects.all()}
    assert set(contacts) == {"GA", "GB", "GC"}
    assert (contacts["GA"].duration_minutes, contacts["GB"].duration_minutes) == (90, None)
    assert contacts["GC"].duration_minutes == 45
    assert contacts["GB"].attendance == "dna"
    assert not GroupEnrolment.objects.filter(contact__isnull=True).exists()
    assert "Week 1 of 12" in page.get_by_test_id("enrolled").inner_text()
    axe(page, "register taken")
    shoot(page, "keywork-register-taken")
    shoot(page, "keywork-register-taken-phone", width=PHONE)
    assert page.console_errors == []


def test_the_keywork_pages_read_well_and_pass_axe(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    today = timezone.localdate()
    service_a.open_access_drop_in = True
    service_a.save()
    episode = in_treatment(alice, service_a, "PW")
    contact = contact_log(
        episode=episode,
        acting_user=alice,
        contact_date=days_ago(3),
        interventions=["cbt"],
        note="Talked about weekends.",
    )
    contact_update(
        contact=contact,
        acting_user=alice,
        contact_date=days_ago(3),
        contact_type="keywork",
        mode="telephone",
        duration_minutes=40,
        attendance="attended",
        interventions=["cbt", "relapse_prevention"],
        note="Talked about weekends and payday.",
    )
    goal = goal_add(
        episode=episode,
        acting_user=alice,
        text="Keep Fridays clean",
        domain="drug_use",
        set_on=days_ago(30),
        target_date=today + dt.timedelta(days=30),
    )
    goal_review(
        goal=goal, acting_user=alice, review_date=days_ago(1), note="Two out of four", status="open"
    )
    goal_add(episode=episode, acting_user=alice, text="Sort my rent arrears", domain="money")
    appointment_book(
        episode=episode, acting_user=alice, appointment_date=today + dt.timedelta(days=2)
    )
    session = drop_in_session_create(
        service=service_a, acting_user=alice, session_date=today, anonymous_count=5
    )
    drop_in_attendance_add(session=session, acting_user=alice, client=episode.referral.client)

    sign_in(page, "alice")
    pages = [
        ("keywork-record", f"/clients/{episode.referral.client.key}/"),
        ("keywork-week", "/week/"),
        ("keywork-care-plan", f"/episodes/{episode.pk}/care-plan/"),
        ("keywork-contacts", f"/episodes/{episode.pk}/contacts/"),
        ("keywork-contact", f"/contacts/{contact.pk}/"),
        ("keywork-drop-in", "/drop-in/"),
        ("keywork-drop-in-session", f"/drop-in/{session.pk}/"),
        ("keywork-caseload", "/caseload/"),
    ]
    for name, path in pages:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{live_server.url}{path}")
        axe(page, name)
        shoot(page, name)
        shoot(page, f"{name}-phone", width=PHONE)
    assert page.console_errors == []


def test_the_drop_in_counter_counts_in_place(page, live_server, alice, service_a, sign_in):
    service_a.open_access_drop_in = True
    service_a.save()
    session = drop_in_session_create(
        service=service_a, acting_user=alice, session_date=timezone.localdate()
    )
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/drop-in/{session.pk}/")
    plus = page.get_by_role("button", name="+1 anonymous visitor")
    plus.click()
    page.get_by_test_id("anonymous-count").filter(has_text="1").wait_for()
    page.keyboard.press("Enter")  # focus stayed on +1
    page.get_by_test_id("anonymous-count").filter(has_text="2").wait_for()
    session.refresh_from_db()
    assert session.anonymous_count == 2
