"""The user guide's pictures, taken from the living demo: `generate_demo
--seed 1` dated today, in the test database, served by the live server. The
demo keyworker (alice), manager (bob) and commissioner (dora) sign in and go
through the pages docs/guide/*.md shows; each picture is checked with axe
and written to docs/guide/img/ (256 colours when pngquant is installed).

Run by `make guide-shots` only (tests/browser/guide/conftest.py). The
journeys in tests/browser/journeys/ test the same pages on small seeds;
these steps check little beyond what a picture needs to be right."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from interchange.demo import DEMO_PASSWORD
from keywork.actions.groups import group_enrol, group_session_create
from keywork.models import ContactType, Episode, GroupSession
from nectos import clock
from outcomes.models import FollowUp
from reporting.dashboards.quarters import Quarter
from services.models import Service, User
from tests.browser.journeys.helpers import VIEWPORT, Journey
from tests.security.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Shots(Journey):
    """A journey whose named steps always go to the guide."""

    def __init__(self, page, role: str):
        super().__init__(page, f"guide-{role}")
        self.guide = True


@pytest.fixture
def open_as(browser):
    contexts = []

    def start(role: str):
        context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        return page, Shots(page, role)

    yield start
    for context in contexts:
        context.close()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)


def test_the_guide_pictures_from_the_living_demo(live_server, open_as, axe, settings):
    call_command("generate_demo", "--seed", "1")
    settings.MFA_REQUIRED = True
    client = the_keyworkers_day(live_server, open_as, axe)
    the_managers_monday(live_server, open_as, axe, client)
    settings.MFA_REQUIRED = False
    the_commissioners_quarter(live_server, open_as, axe)


def due_day30_episode(alice: User) -> Episode:
    """Alice's client whose day-30 form is due (or else overdue) soonest; the guide follows
    them from the caseload's badge to the saved form."""
    follow_up = (
        FollowUp.objects.filter(
            episode__keyworker=alice,
            episode__end_date__isnull=True,
            timepoint="day30",
            state__in=["due", "overdue"],
        )
        .select_related("episode__referral__client")
        # Due rather than overdue, when there is one that day.
        .order_by("state", "due_date", "pk")
        .first()
    )
    assert follow_up, "the demo has no day-30 form due on Alice's caseload"
    return follow_up.episode


def todays_group(alice: User) -> GroupSession:
    """Today's group at Northgate. The demo's weekly group meets on
    Thursdays; on other days the picture needs a register to take, so a
    session today enrols the people of the last one, as a keyworker would
    add it from the Groups page."""
    today = clock.today()
    nth = Service.objects.get(code="NTH")
    session = GroupSession.objects.filter(
        service=nth, session_date=today, kind=ContactType.GROUP
    ).first()
    if session:
        return session
    last = (
        GroupSession.objects.filter(service=nth, kind=ContactType.GROUP, session_date__lt=today)
        .order_by("-session_date")
        .first()
    )
    session = group_session_create(
        service=nth,
        by=alice,
        session_date=today,
        title="Relapse prevention group",
        kind=ContactType.GROUP,
        facilitator=alice,
        copy_enrolment=False,
    )
    came = (
        Episode.objects.filter(group_enrolments__session=last, end_date__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    group_enrol(session=session, by=alice, episode_ids=list(came[:5]))
    return session


def the_keyworkers_day(live_server, open_as, axe) -> Episode:
    alice = User.objects.get(username="alice")
    device = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    episode = due_day30_episode(alice)
    client = episode.referral.client
    label = client.initials
    page, steps = open_as("keyworker")

    sign_in(page, live_server, "alice")
    axe(page, "sign-in")
    steps.step("sign-in", guide="sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Code").fill(totp_code(device))
    axe(page, "second factor")
    steps.step("second-factor", guide="second-factor")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("caseload").wait_for()
    axe(page, "keyworker home")
    steps.step("home", guide="keyworker-home")

    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Caseload").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role(
        "link", name=re.compile(f"Day 30 form (due|overdue) for {label}")
    ).count()
    axe(page, "caseload")
    steps.step("caseload", guide="keyworker-caseload", full_page=True)

    page.goto(f"{live_server.url}/clients/{client.key}/")
    page.wait_for_load_state("networkidle")
    axe(page, "client record")
    steps.step("record", guide="keyworker-record")
    page.get_by_test_id("log-contact").click()
    form = page.get_by_test_id("contact-form")
    form.wait_for()
    form.get_by_label("Motivational interviewing").check()
    form.get_by_label("Relapse prevention").check()
    form.get_by_label("Minutes").fill("50")
    form.get_by_label("Confidential note").fill("Planned for payday weekend; spoke about triggers.")
    axe(page, "contact form")
    form.scroll_into_view_if_needed()
    steps.step("contact-form", guide="keyworker-contact-form")
    form.get_by_role("button", name="Save contact").click()
    page.get_by_test_id("contact-logged").wait_for()

    page.get_by_role("link", name="Complete the Day 30 form").click()
    page.get_by_role("heading", name="New outcome form").wait_for()
    page.get_by_label("Days crack was used").fill("4")
    page.get_by_label("Typical spend per using day (£)").fill("40")
    for field in (
        "Days heroin was used",
        "Days cocaine powder was used",
        "Days other drugs were used",
    ):
        page.get_by_label(field).fill("0")
    page.get_by_label("Days alcohol was drunk").fill("6")
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Physical health (0 to 20)").fill("12")
    page.get_by_label("Psychological health (0 to 20)").fill("11")
    page.get_by_label("Quality of life (0 to 20)").fill("13")
    axe(page, "day-30 form")
    steps.step("outcome-form", guide="keyworker-outcome-form", full_page=True)
    page.get_by_role("button", name="Save form").click()
    page.get_by_text("Day 30 form saved.").wait_for()
    page.get_by_test_id("episode-outcomes").scroll_into_view_if_needed()
    axe(page, "record with the form")
    steps.step("outcome-saved", guide="keyworker-outcome-saved")

    next_week = clock.today() + dt.timedelta(days=7)
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("heading", name="Book an appointment").wait_for()
    page.get_by_label("Date").fill(next_week.isoformat())
    page.get_by_label("Time").fill("10:30")
    axe(page, "book an appointment")
    steps.step("book-appointment", guide="keyworker-book-appointment")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_role("status").filter(has_text="Appointment booked.").wait_for()
    axe(page, "my week")
    steps.step("week", guide="keyworker-week")

    session = todays_group(alice)
    menu.get_by_role("link", name="Groups").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name=session.title).first.click()
    page.get_by_role("heading", name=session.title).wait_for()
    names = page.get_by_label("Attendance for ").all()
    assert len(names) >= 3, "today's group has fewer than three to register"
    names[1].select_option("dna")
    page.get_by_label("Minutes for ").nth(2).fill("60")
    page.get_by_role("group", name="Interventions").get_by_label("Relapse prevention").check()
    axe(page, "group register")
    steps.step("group-register", guide="keyworker-group-register", full_page=True)
    page.get_by_role("button", name="Save register").click()
    page.get_by_role("status").filter(has_text="Register saved").wait_for()
    axe(page, "register saved")
    steps.step("register-saved", guide="keyworker-register-saved")
    assert page.console_errors == []
    return episode


def the_managers_monday(live_server, open_as, axe, episode: Episode) -> None:
    """Bob's first sign-in, the hub's dashboard, its comparison with the
    spokes, and the client Alice saw, reallocated to Erin."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    page, steps = open_as("manager")
    sign_in(page, live_server, "bob")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    secret = page.get_by_test_id("totp-secret").get_attribute("data-secret")
    totp = TOTP(b32decode(secret))
    page.get_by_label("Code from the app").fill(f"{totp.token():06d}")
    axe(page, "second factor set-up")
    steps.step("set-up-second-factor", guide="set-up-second-factor", full_page=True)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state("networkidle")
    axe(page, "recovery codes")
    steps.step("recovery-codes", guide="recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("caseload").wait_for()
    axe(page, "manager home")
    steps.step("home", guide="manager-home")

    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Manage").click()
    menu.get_by_role("link", name="Dashboards").click()
    page.wait_for_load_state("networkidle")
    axe(page, "dashboards index")
    steps.step("dashboards", guide="manager-dashboards")
    page.get_by_test_id("dashboard-services").get_by_role(
        "link", name="Northgate Stimulant Service", exact=True
    ).click()
    page.get_by_test_id("funnel-table").wait_for(timeout=120_000)
    page.locator("canvas[data-chart]").first.wait_for()
    axe(page, "service dashboard")
    steps.step("dashboard", guide="manager-dashboard")
    steps.step("dashboard-funnel", guide="manager-dashboard-funnel", at="#funnel-heading")
    steps.step("dashboard-retention", guide="manager-dashboard-retention", at="#retention-heading")
    steps.step("dashboard-keywork", guide="manager-dashboard-keywork", at="#intensity-heading")
    steps.step("dashboard-outcomes", guide="manager-dashboard-outcomes", at="#outcomes-heading")
    dashboard = page.url

    page.get_by_test_id("funnel-did-not-attend").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    axe(page, "did not attend list")
    steps.step("did-not-attend", guide="manager-did-not-attend")

    page.goto(dashboard)
    page.get_by_role("link", name="Compare services").first.click()
    page.wait_for_load_state("networkidle")
    header = page.locator("table thead").first.inner_text()
    assert "Southbank Open Access" in header and "Westway Day Programme" in header
    axe(page, "compare services")
    # Five columns of long service names: a wider window shows them all
    # (at 1366 pixels the table scrolls sideways in its box).
    page.set_viewport_size({"width": 1800, "height": VIEWPORT["height"]})
    steps.step("compare", guide="manager-compare", full_page=True)
    page.set_viewport_size(VIEWPORT)

    page.goto(f"{live_server.url}/clients/{episode.referral.client.key}/")
    current = page.get_by_test_id("current-episode")
    assert "Alice Adeyemi" in current.inner_text()
    current.get_by_role("link", name="Reallocate").click()
    page.get_by_role("heading", name="Reallocate to another keyworker").wait_for()
    page.get_by_label("Keyworker").select_option(label="Erin Evans")
    axe(page, "reallocate")
    steps.step("reallocate", guide="manager-reallocate")
    page.get_by_role("button", name="Reallocate").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Who has opened this record").click()
    page.get_by_role("heading", name="Who opened this record").wait_for()
    events = page.get_by_test_id("access-events").inner_text()
    assert "Alice Adeyemi" in events and "Bob Brennan" in events
    axe(page, "who opened this record")
    steps.step("access-log", guide="manager-access-log")
    assert page.console_errors == []


def the_commissioners_quarter(live_server, open_as, axe) -> None:
    quarter = Quarter.of(clock.today()).previous()
    page, steps = open_as("commissioner")
    sign_in(page, live_server, "dora")
    axe(page, "sign-in, demo")
    steps.step("sign-in", guide="sign-in-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("home-returns").wait_for()
    axe(page, "commissioner home, no return yet")
    steps.step("home", guide="commissioner-home-first")

    page.get_by_role("button", name=f"Build the {quarter.code} return").click()
    page.get_by_test_id("download-xlsx").wait_for(timeout=180_000)
    axe(page, "return ready")
    steps.step("return", guide="commissioner-return")
    table = page.get_by_role("table").filter(has_text="Referrals received").first
    table.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    steps.step("compare", guide="commissioner-compare")

    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Quarterly returns").click()
    page.wait_for_load_state("networkidle")
    axe(page, "returns list")
    steps.step("returns-list", guide="commissioner-returns-list")
    menu.get_by_role("link", name="Home").click()
    page.locator("canvas[data-drawn]").first.wait_for()
    axe(page, "commissioner home with the return")
    steps.step("home-with-return", guide="commissioner-home")

    client = Episode.objects.filter(referral__service__code="NTH").first().referral.client
    response = page.goto(f"{live_server.url}/clients/{client.key}/")
    assert response.status == 404
    axe(page, "page not found")
    steps.step("not-found", guide="commissioner-not-found")
