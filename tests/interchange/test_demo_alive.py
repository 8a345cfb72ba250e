"""The demo is alive on the day it is generated, whatever that day is: for
the demo keyworker (alice) and manager (bob), the pages a newcomer opens
first show real rows. The demo is generated once for each of two days (a
module fixture, rolled back at the end)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from keywork.models import KeyworkAppointment
from nectos import clock
from services.models import User

pytestmark = pytest.mark.django_db

# Days from the real today: today, and a day half a year back (another
# weekday, another season), so nothing rests on the calendar.
OFFSETS = {"today": 0, "half-a-year-ago": -185}


@pytest.fixture(scope="module", params=list(OFFSETS.values()), ids=list(OFFSETS))
def demo_day(request, django_db_setup, django_db_blocker):
    day = clock.today() + dt.timedelta(days=request.param)
    moment = dt.datetime.combine(day, dt.time(10, 30), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=True), django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("generate_demo", "--seed", "1")
            yield day
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_user(client, demo_day, settings):
    settings.MFA_REQUIRED = False

    def login(username):
        client.force_login(User.objects.get(username=username))
        return client

    return login


def test_the_caseload_has_appointments_booked(as_user, demo_day):
    body = as_user("alice").get(reverse("keywork:caseload")).content.decode()
    rows = body.count('data-label="Next appointment"')
    dates = re.findall(r'data-label="Next appointment">(\w{3} \d{1,2} \w{3})<', body)
    assert rows >= 10
    assert len(dates) >= rows * 0.7
    assert body.count("None booked") <= rows * 0.3


def test_my_week_has_contacts_appointments_and_goals(as_user, demo_day):
    week = as_user("alice").get(reverse("keywork:week")).context["week"]
    assert week.today == demo_day
    assert week.contact_count >= 1
    assert week.attended_count >= 1
    assert len(week.upcoming) >= 5
    assert week.goals_due
    # Somewhere in the demo, an appointment passed with no outcome recorded.
    assert KeyworkAppointment.objects.unresolved(demo_day).exists()


def test_the_groups_have_past_registers_and_sessions_ahead(as_user, demo_day):
    response = as_user("alice").get(reverse("keywork:group_sessions"))
    sessions = list(response.context["page"].object_list)
    assert any(s.session_date < demo_day and s.register_taken_at and s.attended for s in sessions)
    assert any(s.session_date > demo_day and s.enrolled for s in sessions)
    # Registers record who did not come, too.
    assert any(s.register_taken_at and s.enrolled > s.attended for s in sessions)
    # The day programme, at its own service.
    response = as_user("isla").get(reverse("keywork:group_sessions"))
    programme = [s for s in response.context["page"].object_list if s.kind == "day_programme"]
    assert any(s.register_taken_at and s.attended for s in programme)
    assert any(s.session_date > demo_day and s.enrolled for s in programme)


def test_drop_in_has_named_and_anonymous_attendance(as_user, demo_day):
    response = as_user("alice").get(reverse("keywork:drop_in_sessions"))
    body = response.content.decode()
    assert "No drop-in sessions recorded yet" not in body
    sessions = list(response.context["page"].object_list)
    assert sessions[0].session_date >= demo_day - dt.timedelta(days=4)
    assert any(s.anonymous_count for s in sessions)
    assert any(s.attendances.exists() for s in sessions)


def test_the_waiting_list_shows_clients_engaged_at_drop_in(as_user, demo_day):
    body = as_user("alice").get(reverse("keywork:waiting_list"), {"sort": "days"}).content
    assert b'data-testid="drop-in-engaged"' in body


def test_the_manager_chooses_a_dashboard_and_it_has_figures(
    as_user, demo_day, django_capture_on_commit_callbacks
):
    # The demo manager runs the hub and its two spokes: the index offers
    # the three, each with its own links.
    response = as_user("bob").get(reverse("dashboards:index"))
    assert response.status_code == 200
    listed = [s.code for s in response.context["services"]]
    assert sorted(listed) == ["NTH", "STH", "WST"]
    # The first look works the figures out after the commit (in-process
    # here); the demo's transaction never commits, so run it now.
    dashboard = reverse("dashboards:service", args=["NTH"])
    with django_capture_on_commit_callbacks(execute=True):
        as_user("bob").get(dashboard)
    body = as_user("bob").get(dashboard).content.decode()
    referred = re.search(r'data-testid="funnel-referred">.*?>([\d,]+)<', body, re.S)
    assert referred and int(referred.group(1).replace(",", "")) > 0
    assert 'data-testid="keyworker-table"' in body


def test_a_manager_of_one_service_lands_on_its_dashboard(as_user, demo_day):
    response = as_user("femi").get(reverse("dashboards:index"))
    assert response.status_code == 302
    assert response.url == reverse("dashboards:service", args=["EST"])


def test_the_manager_compares_with_two_other_services_by_name(as_user, demo_day):
    body = as_user("bob").get(reverse("dashboards:compare", args=["NTH"])).content.decode()
    header = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
    named = [
        "Northgate Stimulant Service",
        "Southbank Open Access",
        "Westway Day Programme",
        # The provider's other services (Eastside, Riverside), pooled.
        "All other services",
    ]
    positions = [header.index(name) for name in named]
    assert positions == sorted(positions)
    referred = re.search(r"<tr[^>]*>\s*<t[hd][^>]*>\s*Referred\s*</t[hd]>(.*?)</tr>", body, re.S)
    cells = re.findall(r"<td[^>]*>\s*([\d,]+)\s*</td>", referred.group(1))
    # Every column has referrals of its own: the two spokes' are real rows.
    assert len(cells) == 4
    assert all(int(c.replace(",", "")) > 0 for c in cells)


def test_a_second_pass_adds_nothing(demo_day):
    from interchange.demo import SERVICES
    from interchange.liveliness import bring_to_life

    booked = KeyworkAppointment.objects.count()
    bring_to_life(seed=1, service_codes=[code for code, *_ in SERVICES])
    assert KeyworkAppointment.objects.count() == booked


def test_the_manager_builds_last_months_ndtms_extract_with_its_checks(as_user, demo_day):
    from reporting.ndtms.models import NdtmsExtract
    from services.models import Service

    north = Service.objects.get(code="NTH")
    assert north.ndtms_agency_code and north.reporting_local_authority is not None
    last_month = (demo_day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    response = as_user("bob").post(
        reverse("returns:extract"), {"service": north.pk, "month": f"{last_month:%Y-%m}"}
    )
    assert response.status_code == 302
    built = NdtmsExtract.objects.get(service=north, month=last_month)
    # A live service: dozens of journeys, each in the shipped version.
    assert built.rows >= 20
    assert built.version.name == "Q"
    assert "DEMO1" in built.content
    detail = as_user("bob").get(reverse("returns:extract_detail", args=[built.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "No problems found." in body or "found. Fix them before sending" in body
