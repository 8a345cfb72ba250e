import json

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from django.test import RequestFactory

from audit.access import client_records
from clients.access_log import record_access
from clients.models import AccessEvent, AccessKind, Client
from tests.factories import (
    AppointmentFactory,
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(service_a, alice):
    referral = ReferralFactory(service=service_a, client__initials="QZ")
    episode = EpisodeFactory(referral=referral, keyworker=alice)
    ContactFactory(episode=episode, note="talked about the week")
    OutcomeFormFactory(episode=episode)
    AppointmentFactory(referral=referral)
    return referral.client


def request_as(user, path="/somewhere/"):
    request = RequestFactory().get(path)
    request.user = user
    request.request_id = "abc123"
    return request


def test_record_access_writes_who_role_service_client_when_and_request_id(
    alice, service_a, client_a
):
    event = record_access(request=request_as(alice, "/clients/x/"), client=client_a)
    event.refresh_from_db()
    assert event.user == alice
    assert event.role == "keyworker"
    assert event.service == service_a
    assert event.client == client_a
    assert event.kind == AccessKind.VIEW
    assert event.request_id == "abc123"
    assert event.path == "/clients/x/"
    assert event.at is not None


def test_record_access_names_the_role_the_user_holds_for_this_client(
    service_a, service_b, client_a
):
    from services.models import Role
    from tests.factories import MembershipFactory, UserFactory

    both = UserFactory(username="both")
    MembershipFactory(user=both, service=service_b, role=Role.MANAGER)
    MembershipFactory(user=both, service=service_a, role=Role.KEYWORKER)
    event = record_access(request=request_as(both), client=client_a)
    assert (event.role, event.service) == ("keyworker", service_a)


def test_an_export_without_a_client_names_the_file(dora, service_a):
    event = record_access(request=request_as(dora), file_label="Return 2026-Q3", service=service_a)
    assert event.kind == AccessKind.DOWNLOAD
    assert (event.role, event.service, event.client) == ("commissioner", service_a, None)


def test_record_access_needs_a_client_or_a_file(alice):
    with pytest.raises(ValueError):
        record_access(request=request_as(alice))


def test_record_access_costs_two_queries(alice, client_a, django_assert_num_queries):
    # the acting membership, the insert
    with django_assert_num_queries(2):
        record_access(request=request_as(alice), client=client_a)


def test_the_database_refuses_to_update_an_access_event(alice, client_a):
    event = record_access(request=request_as(alice), client=client_a)
    with pytest.raises(InternalError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(reason="covering tracks")
    with pytest.raises(InternalError), transaction.atomic():
        event.reason = "covering tracks"
        event.save()


def test_the_database_refuses_to_delete_an_access_event(alice, client_a):
    event = record_access(request=request_as(alice), client=client_a)
    with pytest.raises(InternalError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(InternalError), transaction.atomic():
        event.delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_change_an_access_event_either(alice, client_a):
    event = record_access(request=request_as(alice), client=client_a)
    for sql in (
        "UPDATE clients_accessevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM clients_accessevent WHERE id = %s",
    ):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_a_client_with_access_events_cannot_be_deleted(alice, client_a):
    from django.db.models import ProtectedError

    record_access(request=request_as(alice), client=client_a)
    with pytest.raises(ProtectedError):
        AccessEvent.objects.model.client.field.related_model.objects.filter(pk=client_a.pk).delete()


# --- the manager's access page ---------------------------------------------


def test_a_manager_sees_who_opened_the_record(client_as, bob, alice, client_a):
    record_access(request=request_as(alice), client=client_a)
    response = client_as(bob).get(f"/clients/{client_a.key}/access/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Keyworker" in page
    assert "Viewed the record" in page
    # Looking at the access list is itself an access.
    assert AccessEvent.objects.filter(user=bob, client=client_a).count() == 1


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora", "admin_user"])
def test_only_the_clients_service_manager_sees_the_access_list(
    request, client_as, client_a, persona
):
    user = request.getfixturevalue(persona)
    assert client_as(user).get(f"/clients/{client_a.key}/access/").status_code == 404
    assert not AccessEvent.objects.filter(user=user).exists()


def test_a_manager_of_another_service_gets_404(client_as, service_b, client_a):
    from services.models import Role
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="manager_b")
    MembershipFactory(user=other, service=service_b, role=Role.MANAGER)
    assert client_as(other).get(f"/clients/{client_a.key}/access/").status_code == 404
    assert (
        client_as(other).get(f"/clients/{client_a.key}/subject-access-request/").status_code == 404
    )


def test_an_unknown_key_gets_the_same_404(client_as, bob):
    import uuid

    assert client_as(bob).get(f"/clients/{uuid.uuid4()}/access/").status_code == 404


def test_the_access_page_runs_a_fixed_number_of_queries(
    client_as, bob, alice, client_a, django_assert_max_num_queries
):
    for _ in range(30):
        record_access(request=request_as(alice), client=client_a)
    browser = client_as(bob)
    # session, user, client lookup, membership + insert of the access event,
    # page count, page of events (user and service joined), role context,
    # session save (with savepoints)
    with django_assert_max_num_queries(12):
        assert browser.get(f"/clients/{client_a.key}/access/").status_code == 200


# --- subject access request --------------------------------------------------


def test_the_subject_access_download_holds_every_record_and_the_access_list(
    client_as, bob, alice, client_a
):
    record_access(request=request_as(alice), client=client_a)
    response = client_as(bob).get(f"/clients/{client_a.key}/subject-access-request/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert client_a.reference not in disposition and "QZ" not in disposition

    document = json.loads(response.content)
    records = document["records"]
    assert records["clients.Client"][0]["reference"] == client_a.reference
    for label in [
        "clients.Referral",
        "clients.Appointment",
        "keywork.Episode",
        "keywork.Contact",
        "outcomes.OutcomeForm",
    ]:
        assert len(records[label]) == 1, label
    assert records["keywork.Contact"][0]["note"] == "talked about the week"
    assert "clients.AccessEvent" not in records
    whos = [row["who"] for row in document["access_log"]]
    assert "Alice Keyworker" in whos
    assert "Bob Manager" in whos  # the download itself is recorded first
    event = AccessEvent.objects.get(user=bob, kind=AccessKind.DOWNLOAD)
    assert event.file_label == "Subject access request download"


def test_the_subject_access_download_holds_nothing_of_other_clients(
    client_as, bob, service_a, client_a
):
    other = ReferralFactory(service=service_a, client__initials="XY").client
    EpisodeFactory(referral=other.referrals.get())
    found = client_records(client_a)
    assert list(found[Client].values_list("pk", flat=True)) == [client_a.pk]
    body = client_as(bob).get(f"/clients/{client_a.key}/subject-access-request/").content
    assert other.reference.encode() not in body


def test_the_subject_access_download_holds_the_managers_services_only(
    client_as, bob, charlie, service_a, service_b, client_a
):
    from keywork.models import DropInAttendance, DropInSession
    from nectos import clock

    elsewhere = ReferralFactory(service=service_b, client=client_a)
    episode_b = EpisodeFactory(referral=elsewhere, keyworker=charlie)
    ContactFactory(episode=episode_b, note="said in service B")
    OutcomeFormFactory(episode=episode_b)
    session = DropInSession.objects.create(
        service=service_b, session_date=clock.today(), created_by=charlie
    )
    DropInAttendance.objects.create(session=session, client=client_a, recorded_by=charlie)
    record_access(request=request_as(charlie), client=client_a)
    response = client_as(bob).get(f"/clients/{client_a.key}/subject-access-request/")
    document = json.loads(response.content)
    records = document["records"]
    assert [r["service"] for r in records["clients.Referral"]] == [service_a.pk]
    assert len(records["keywork.Episode"]) == 1
    assert len(records["outcomes.OutcomeForm"]) == 1
    assert "said in service B" not in response.content.decode()
    assert "keywork.DropInAttendance" not in records
    assert "Charlie Keyworker" not in [row["who"] for row in document["access_log"]]
    assert document["covers_services"] == service_a.name
    assert "information governance lead" in document["scope_note"]


def test_the_subject_access_download_is_for_managers_only(client_as, alice, client_a):
    assert (
        client_as(alice).get(f"/clients/{client_a.key}/subject-access-request/").status_code == 404
    )


def test_the_subject_access_download_runs_a_fixed_number_of_queries(
    client_as, bob, service_a, alice, client_a, django_assert_max_num_queries
):
    episode = client_a.referrals.get().episode
    for _ in range(20):
        ContactFactory(episode=episode)
    browser = client_as(bob)
    browser.get(f"/clients/{client_a.key}/subject-access-request/")  # warm
    with django_assert_max_num_queries(60) as captured:
        browser.get(f"/clients/{client_a.key}/subject-access-request/")
    few = len(captured.captured_queries)
    for _ in range(20):
        ContactFactory(episode=episode)
    # One query per model reached, not per row: more rows, same count.
    with django_assert_max_num_queries(few):
        browser.get(f"/clients/{client_a.key}/subject-access-request/")
