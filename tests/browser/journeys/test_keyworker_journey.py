"""A keyworker's day in Chromium: sign in with the second factor, find the
client whose 30-day form is due, log a keywork contact with interventions,
complete the form, book the next appointment, take a group register, sign
out. Every step is screenshotted (artifacts/browser/journeys/keyworker/) and
checked with axe."""

import datetime as dt

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from interchange.demo import DEMO_PASSWORD
from keywork.actions.contacts import appointment_book
from keywork.actions.groups import group_enrol, group_session_create
from keywork.models import Contact, KeyworkAppointment
from outcomes.actions import followups_sweep
from outcomes.models import FollowUp, OutcomeForm
from tests.browser.journeys.seeds import in_treatment, today
from tests.security.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caseload(demo):
    """Alice's caseload at Northgate: Dee's 30-day form is due; three others,
    two with their next appointment booked; a relapse prevention group today
    with three of them enrolled."""
    nth, alice = demo["services"]["NTH"], demo["staff"]["alice"]
    dee = in_treatment(nth, alice, initials="DM", name="Dee", started=30, seen=6)
    others = [
        in_treatment(nth, alice, initials="RK", started=75, seen=3, day30=True),
        in_treatment(nth, alice, initials="BL", name="Ben", started=150, seen=19, day30=True),
        in_treatment(nth, alice, initials="TW", started=4),
    ]
    session = group_session_create(
        service=nth,
        acting_user=alice,
        session_date=today(),
        title="Relapse prevention group",
        kind="group",
        facilitator=alice,
    )
    group_enrol(
        session=session, acting_user=alice, episode_ids=[dee.pk, others[0].pk, others[1].pk]
    )
    # As in the living demo, most of the caseload has its next session booked.
    for episode, days, hour in ((others[0], 2, 14), (others[2], 3, 11)):
        appointment_book(
            episode=episode,
            acting_user=alice,
            appointment_date=today() + dt.timedelta(days=days),
            appointment_time=dt.time(hour, 0),
        )
    followups_sweep(as_of=today())
    return dee


def test_a_keyworker_gets_through_a_day_from_sign_in_to_sign_out(
    page, live_server, demo, caseload, journey, axe, settings
):
    settings.MFA_REQUIRED = True
    alice = demo["staff"]["alice"]
    device = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    dee = caseload
    steps = journey("keyworker")

    # Sign in: password, then the code from the authenticator app.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    steps.step("sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert "/account/verify/" in page.url
    menu = page.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Caseload").count() == 0  # nothing before the code
    page.get_by_label("Code").fill(totp_code(device))
    axe(page, "second factor")
    steps.step("second-factor")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "Alice Adeyemi" in page.get_by_test_id("whoami").inner_text()
    page.get_by_test_id("caseload").wait_for()
    axe(page, "keyworker home")
    steps.step("home")

    # The caseload: Dee's badge says her 30-day form is due.
    menu.get_by_role("link", name="Caseload").click()
    page.wait_for_load_state("networkidle")
    row = page.get_by_test_id("caseload-row").filter(has_text="DM · Dee")
    assert row.get_by_role("link", name="Day 30 form due for DM").is_visible()
    overdue = page.get_by_test_id("caseload-row").filter(has_text="BL · Ben")
    assert overdue.get_by_role("link", name="Day 90 form overdue for BL").is_visible()
    axe(page, "caseload")
    steps.step("caseload-badge")

    # Her record, and a keywork contact with two interventions.
    row.get_by_role("link", name="DM · Dee").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("DM")
    axe(page, "client record")
    steps.step("client-record")
    page.get_by_test_id("log-contact").click()
    form = page.get_by_test_id("contact-form")
    form.wait_for()
    form.get_by_label("Motivational interviewing").check()
    form.get_by_label("Relapse prevention").check()
    form.get_by_label("Minutes").fill("50")
    form.get_by_label("Confidential note").fill("Planned for payday weekend; spoke about triggers.")
    axe(page, "contact logger")
    form.scroll_into_view_if_needed()
    steps.step("contact-form")
    form.get_by_role("button", name="Save contact").click()
    page.get_by_test_id("contact-logged").wait_for()
    contact = Contact.objects.get(episode=dee, contact_date=today())
    assert (contact.contact_type, contact.duration_minutes, contact.recorded_by) == (
        "keywork",
        50,
        alice,
    )
    assert set(contact.interventions.values_list("code", flat=True)) == {
        "motivational_interviewing",
        "relapse_prevention",
    }
    axe(page, "contact logged")
    steps.step("contact-logged")

    # The 30-day form, from the record's follow-ups.
    page.get_by_role("link", name="Complete the Day 30 form").click()
    page.get_by_role("heading", name="New outcome form").wait_for()
    assert page.get_by_label("Timepoint").input_value() == "day30"
    page.get_by_label("Days crack was used").fill("4")
    page.get_by_label("Typical spend per using day (£)").fill("40")
    for label in (
        "Days heroin was used",
        "Days cocaine powder was used",
        "Days other drugs were used",
    ):
        page.get_by_label(label).fill("0")
    page.get_by_label("Days alcohol was drunk").fill("6")
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Physical health (0 to 20)").fill("12")
    page.get_by_label("Psychological health (0 to 20)").fill("11")
    page.get_by_label("Quality of life (0 to 20)").fill("13")
    # Nothing the browser itself would refuse (a £40 spend is not "more than 30").
    assert page.evaluate("[...document.querySelectorAll('main :invalid')].map(e => e.name)") == []
    axe(page, "30-day form")
    steps.step("outcome-form", full_page=True)
    page.get_by_role("button", name="Save form").click()
    page.get_by_text("Day 30 form saved.").wait_for()
    assert f"/clients/{dee.referral.client.key}/" in page.url
    assert FollowUp.objects.get(episode=dee, timepoint="day30").state == "done"
    assert OutcomeForm.objects.get(episode=dee, timepoint="day30").crack_days == 4
    panel = page.get_by_test_id("episode-outcomes")
    panel.scroll_into_view_if_needed()
    axe(page, "record with the form")
    steps.step("outcome-saved")

    # The next appointment, a week today at 10:30.
    next_week = today() + dt.timedelta(days=7)
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("heading", name="Book an appointment").wait_for()
    page.get_by_label("Date").fill(next_week.isoformat())
    page.get_by_label("Time").fill("10:30")
    axe(page, "book an appointment")
    steps.step("book-appointment")
    page.get_by_role("button", name="Book appointment").click()
    # Booked: My week lists it among the coming appointments.
    page.get_by_role("status").filter(has_text="Appointment booked.").wait_for()
    coming = page.get_by_role("table", name="Your keywork appointments in the coming days")
    assert "DM" in coming.get_by_role("row").filter(has_text="10:30").inner_text()
    assert KeyworkAppointment.objects.get(episode=dee).appointment_date == next_week
    axe(page, "my week")
    steps.step("appointment-booked")

    # Today's group: one did not come, one left early.
    menu.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Relapse prevention group").click()
    page.get_by_role("heading", name="Relapse prevention group").wait_for()
    page.get_by_label("Attendance for BL").select_option("dna")
    page.get_by_label("Minutes for RK").fill("60")
    page.get_by_role("group", name="Interventions").get_by_label("Relapse prevention").check()
    axe(page, "group register")
    steps.step("group-register", full_page=True)
    page.get_by_role("button", name="Save register").click()
    page.get_by_role("status").filter(has_text="Register saved: 2 of 3 attended").wait_for()
    group = Contact.objects.filter(contact_type="group", contact_date=today())
    assert sorted(group.values_list("attendance", flat=True)) == ["attended", "attended", "dna"]
    axe(page, "register taken")
    steps.step("register-saved")

    # Sign out: back to the sign-in page, and nothing answers without it.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url
    steps.step("signed-out")
    page.goto(f"{live_server.url}/caseload/")
    assert "/login/" in page.url
    assert page.console_errors == []
