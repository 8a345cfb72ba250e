import pghistory
import pghistory.models
import pytest
from django.apps import apps

from audit.access import RECORD_APPS, client_records
from clients.models import Client, Referral
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

# Rows in the record apps that are not part of the clinical record and are
# deliberately not kept in history. Anything else reachable from a client
# must be tracked by django-pghistory.
NOT_HISTORY = {
    # Derived state, recomputed from episodes and forms by the sweeper.
    "outcomes.FollowUp": "derived from episode dates and forms",
    # Messages to staff about follow-ups; no clinical content.
    "outcomes.Notification": "a to-do message to staff",
}


def tracked_models() -> set[type]:
    return {
        model.pgh_tracked_model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and hasattr(model, "pgh_tracked_model")
    }


def test_every_clinical_record_reachable_from_a_client_keeps_its_history():
    from audit.access import _pointers_to, _record_models

    record_models = set(_record_models())
    reachable, queue = {Client}, [Client]
    while queue:
        parent = queue.pop()
        for field in _pointers_to(parent, record_models):
            if field.model not in reachable:
                reachable.add(field.model)
                queue.append(field.model)
    tracked = tracked_models()
    untracked = sorted(
        m._meta.label
        for m in reachable
        if m not in tracked and m._meta.label not in NOT_HISTORY and not m._meta.auto_created
    )
    assert untracked == [], f"add @pghistory.track to: {untracked}"
    assert {m._meta.app_label for m in reachable} <= set(RECORD_APPS)


def referral_history(referral):
    # Inside one transaction every event has the same timestamp: order by id.
    return (
        apps.get_model("clients", "ReferralEvent")
        .objects.filter(pgh_obj=referral)
        .order_by("pgh_id")
    )


def test_a_bulk_update_is_captured(service_a):
    referral = ReferralFactory(service=service_a)
    before = referral_history(referral).count()
    Referral.objects.filter(pk=referral.pk).update(reason="bulk changed")
    history = referral_history(referral)
    assert history.count() == before + 1
    last = history.last()
    assert last.pgh_label == "update"
    assert last.reason == "bulk changed"


def test_a_raw_sql_update_is_captured_too(service_a):
    from django.db import connection

    referral = ReferralFactory(service=service_a)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_referral SET reason = 'raw' WHERE id = %s", [referral.pk])
    assert referral_history(referral).last().reason == "raw"


@pytest.mark.urls("tests.security.history_urls")
def test_the_history_records_who_made_a_change_through_a_request(client_as, alice, service_a):
    referral = ReferralFactory(service=service_a)
    response = client_as(alice).post("/bulk-update/", {"pk": referral.pk, "reason": "by alice"})
    assert response.status_code == 200
    last = referral_history(referral).last()
    assert last.reason == "by alice"
    assert last.pgh_context.metadata["user"] == alice.pk
    assert last.pgh_context.metadata["url"] == "/bulk-update/"


def test_reading_pages_carry_no_history_context(client_as, alice, service_a):
    """Only requests that may change records are wrapped by pghistory: a
    page view sends its queries as they are (one statement each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    episode = EpisodeFactory(referral__service=service_a, keyworker=alice)
    with CaptureQueriesContext(connection) as queries:
        response = client_as(alice).get(f"/clients/{episode.referral.client.key}/")
    assert response.status_code == 200
    assert not [q for q in queries if "pghistory.context_id" in q["sql"]]


def test_deleting_a_record_keeps_its_last_state(service_a, alice):
    from keywork.models import Contact
    from tests.factories import ContactFactory

    contact = ContactFactory(episode=EpisodeFactory(referral__service=service_a, keyworker=alice))
    pk = contact.pk
    contact.delete()
    deleted = pghistory.models.Events.objects.filter(
        pgh_model="keywork.ContactEvent", pgh_obj_id=str(pk), pgh_label="delete"
    )
    assert deleted.count() == 1
    assert not Contact.objects.filter(pk=pk).exists()


def test_the_subject_access_walk_reaches_the_same_models(service_a, alice):
    referral = ReferralFactory(service=service_a)
    EpisodeFactory(referral=referral, keyworker=alice)
    found = client_records(referral.client)
    assert {m._meta.label for m in found} >= {
        "clients.Client",
        "clients.Referral",
        "keywork.Episode",
    }


def test_contacts_written_in_one_statement_each_keep_their_insert_event(service_a):
    """Contacts and their interventions are audited by statement-level
    triggers (an import writes 100,000 at once): one insert event per row
    all the same, carrying the request's or the import's context."""
    import datetime as dt

    from keywork.models import Contact, ContactIntervention, Intervention

    episode = EpisodeFactory(referral__service=service_a)
    interventions = list(Intervention.objects.all()[:2])
    with pghistory.context(via="test"):
        contacts = Contact.objects.bulk_create(
            Contact(
                episode=episode,
                contact_date=episode.start_date + dt.timedelta(days=n),
                contact_type="keywork",
                mode="in_person",
                duration_minutes=30,
                attendance="attended",
            )
            for n in range(3)
        )
        ContactIntervention.objects.bulk_create(
            ContactIntervention(contact=c, intervention=i) for c in contacts for i in interventions
        )
    events = apps.get_model("keywork", "ContactEvent").objects.filter(pgh_label="insert")
    assert sorted(events.values_list("pgh_obj_id", flat=True)) == sorted(c.pk for c in contacts)
    assert {e.pgh_context.metadata["via"] for e in events} == {"test"}
    links = apps.get_model("keywork", "ContactInterventionEvent").objects.filter(pgh_label="insert")
    assert links.count() == 6
    assert {e.pgh_context_id for e in links} == {events[0].pgh_context_id}
