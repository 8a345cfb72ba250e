"""Every contact, appointment, care plan, goal, group and drop-in URL answers
404 to a keyworker of another service, and to a commissioner, for GET and
POST alike; and nothing was written."""

import pytest
from django.urls import reverse

from keywork.actions.careplans import goal_add
from keywork.actions.contacts import appointment_book, contact_log
from keywork.actions.dropin import drop_in_attendance_add, drop_in_session_create
from keywork.actions.groups import group_enrol, group_session_create
from keywork.models import Contact, DropInAttendance, Goal, GroupEnrolment, KeyworkAppointment
from tests.factories import ReferralFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects_of_a(alice, service_a, episode_a, today):
    service_a.open_access_drop_in = True
    service_a.save()
    contact = contact_log(
        episode=episode_a, acting_user=alice, contact_date=days_ago(1), interventions=["cbt"]
    )
    appointment = appointment_book(episode=episode_a, acting_user=alice, appointment_date=today)
    goal = goal_add(episode=episode_a, acting_user=alice, text="Keep my tenancy", domain="housing")
    group = group_session_create(
        service=service_a,
        acting_user=alice,
        session_date=today,
        title="Group",
        kind="group",
        facilitator=alice,
    )
    group_enrol(session=group, acting_user=alice, episode_ids=[episode_a.pk])
    drop_in = drop_in_session_create(service=service_a, acting_user=alice, session_date=today)
    attendance = drop_in_attendance_add(
        session=drop_in, acting_user=alice, client=ReferralFactory(service=service_a).client
    )
    return {
        "episode": episode_a.pk,
        "contact": contact.pk,
        "appointment": appointment.pk,
        "goal": goal.pk,
        "group": group.pk,
        "enrolment": GroupEnrolment.objects.get().pk,
        "drop_in": drop_in.pk,
        "attendance": attendance.pk,
    }


URLS = [
    ("keywork:episode_contacts", "episode"),
    ("keywork:contact_new", "episode"),
    ("keywork:contact_detail", "contact"),
    ("keywork:contact_edit", "contact"),
    ("keywork:contact_delete", "contact"),
    ("keywork:appointment_new", "episode"),
    ("keywork:appointment_absence", "appointment"),
    ("keywork:appointment_delete", "appointment"),
    ("keywork:care_plan", "episode"),
    ("keywork:goal_review", "goal"),
    ("keywork:goal_edit", "goal"),
    ("keywork:group_session", "group"),
    ("keywork:group_register", "group"),
    ("keywork:group_enrol", "group"),
    ("keywork:group_unenrol", "enrolment"),
    ("keywork:drop_in_session", "drop_in"),
    ("keywork:drop_in_count", "drop_in"),
    ("keywork:drop_in_find", "drop_in"),
    ("keywork:drop_in_attend", "drop_in"),
    ("keywork:drop_in_attendance_remove", "attendance"),
]

POST_DATA = {
    "attendance": "dna",
    "reason": "testing",
    "delta": "1",
    "q": "AB",
    "text": "x",
    "domain": "money",
    "note": "x",
    "status": "dropped",
}


@pytest.mark.parametrize(("name", "kind"), URLS)
def test_an_outsider_gets_404_on_every_keywork_url(
    client_as, charlie, dora, objects_of_a, name, kind
):
    url = reverse(name, args=[objects_of_a[kind]])
    for outsider in (charlie, dora):
        client = client_as(outsider)
        assert client.get(url).status_code in (404, 405), outsider.username
        assert client.post(url, POST_DATA).status_code == 404, outsider.username
    # Nothing was written or removed.
    assert Contact.objects.count() == 1
    assert KeyworkAppointment.objects.get().contact is None
    assert Goal.objects.get().status == "open"
    assert GroupEnrolment.objects.count() == 1
    assert DropInAttendance.objects.count() == 1


@pytest.mark.parametrize(("name", "kind"), URLS)
def test_the_service_keyworker_reaches_every_keywork_url(
    client_as, alice, objects_of_a, name, kind
):
    response = client_as(alice).get(reverse(name, args=[objects_of_a[kind]]))
    assert response.status_code in (200, 405)


def test_a_missing_object_is_the_same_404(client_as, alice):
    assert client_as(alice).get(reverse("keywork:contact_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "name", ["keywork:week", "keywork:group_sessions", "keywork:drop_in_sessions"]
)
def test_lists_show_another_service_nothing(client_as, charlie, objects_of_a, name):
    body = client_as(charlie).get(reverse(name)).content.decode()
    assert "Keep my tenancy" not in body
    assert f"/groups/{objects_of_a['group']}/" not in body
    assert f"/drop-in/{objects_of_a['drop_in']}/" not in body


@pytest.mark.parametrize(
    "name", ["keywork:week", "keywork:group_sessions", "keywork:drop_in_sessions"]
)
def test_commissioners_and_administrators_get_404_on_the_lists(client_as, dora, admin_user, name):
    for user in (dora, admin_user):
        assert client_as(user).get(reverse(name)).status_code == 404
