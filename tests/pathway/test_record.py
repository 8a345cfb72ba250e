"""The client record: the current episode on top, the history with the
service, and a timeline of everything, newest first."""

import pytest

from clients.models import Attendance
from tests.factories import ContactFactory, OutcomeFormFactory
from tests.pathway.helpers import assess, days_ago, discharge, register, start

pytestmark = pytest.mark.django_db


def entries(body: str) -> list[str]:
    return [chunk.split('"', 1)[0] for chunk in body.split('data-kind="')[1:]]


def test_the_record_has_the_current_episode_on_top_and_a_timeline_newest_first(
    client_as, alice, service_a
):
    referral = register(alice, service_a, on=days_ago(60))
    assess(referral, on=days_ago(55), attendance=Attendance.DNA)
    assess(referral, on=days_ago(50))
    episode = start(referral, alice, on=days_ago(45))
    ContactFactory(episode=episode, contact_date=days_ago(40))
    OutcomeFormFactory(episode=episode, form_date=days_ago(44))
    ContactFactory(episode=episode, contact_date=days_ago(3), note="Talked about housing")

    body = client_as(alice).get(f"/clients/{referral.client.key}/").content.decode()

    assert body.index('data-testid="current-episode"') < body.index('data-testid="timeline"')
    current = body.split('data-testid="current-episode"')[1].split("</section>")[0]
    assert "45 days in treatment" in current
    assert "Alice Keyworker" in current
    assert "(3 days ago)" in current
    assert entries(body) == [
        "contact",
        "contact",
        "form",
        "episode_start",
        "appointment",
        "appointment",
        "referral",
    ]
    assert "Talked about housing" in body
    assert "Baseline" in body


def test_a_contact_on_the_timeline_names_its_interventions(client_as, alice, service_a):
    from keywork.models import ContactIntervention, Intervention

    referral = register(alice, service_a, on=days_ago(30))
    assess(referral, on=days_ago(25))
    episode = start(referral, alice, on=days_ago(20))
    first, second = Intervention.objects.order_by("sort_order", "code")[:2]
    contact = ContactFactory(episode=episode, contact_date=days_ago(3))
    ContactIntervention.objects.create(contact=contact, intervention=first)
    ContactIntervention.objects.create(contact=contact, intervention=second)
    ContactFactory(episode=episode, contact_date=days_ago(2))  # none

    body = client_as(alice).get(f"/clients/{referral.client.key}/").content.decode()

    contacts = [e for e in body.split('data-kind="')[1:] if e.startswith("contact")]
    assert f'<div class="small">{first.label}, {second.label}</div>' in contacts[1]
    assert first.label not in contacts[0]


def test_earlier_episodes_show_as_history_and_the_return_plainly(client_as, alice, service_a):
    first = register(alice, service_a, on=days_ago(400))
    assess(first, on=days_ago(395))
    discharge(start(first, alice, on=days_ago(390)), on=days_ago(300), reason="dropped_out")
    again = register(alice, service_a, client=first.client, on=days_ago(30))
    assess(again, on=days_ago(25))
    start(again, alice, on=days_ago(20))

    body = client_as(alice).get(f"/clients/{first.client.key}/").content.decode()

    assert "Returned · episode 2" in body
    history = body.split('data-testid="episode-history"')[1].split("</section>")[0]
    assert "2 episodes" in history
    assert "Dropped out / left early" in history
    assert "In treatment" in history
    assert "Returned to treatment" in body  # the timeline says it too
    assert "Episode 1 ended" in body


def test_a_waiting_referral_shows_its_appointments_and_next_step(client_as, alice, service_a):
    referral = register(alice, service_a, on=days_ago(10))
    body = client_as(alice).get(f"/clients/{referral.client.key}/").content.decode()
    assert 'data-testid="waiting-referral"' in body
    assert "No appointment offered yet" in body
    assert f"/referrals/{referral.pk}/appointments/new/" in body
    assert 'data-testid="current-episode"' not in body


def test_another_services_part_of_the_record_stays_hidden(
    client_as, alice, charlie, service_a, service_b
):
    in_a = register(alice, service_a, on=days_ago(100))
    assess(in_a, on=days_ago(95))
    episode = start(in_a, alice, on=days_ago(90))
    ContactFactory(episode=episode, contact_date=days_ago(80), note="Said in service A")
    in_b = register(charlie, service_b, client=in_a.client, on=days_ago(10))

    body = client_as(charlie).get(f"/clients/{in_a.client.key}/").content.decode()

    assert "Said in service A" not in body
    assert "Service A" not in body.split("</header>")[1]
    assert 'data-testid="current-episode"' not in body
    assert entries(body) == ["referral"]
    assert f"/referrals/{in_b.pk}/appointments/new/" in body


def test_the_timeline_comes_a_page_at_a_time(client_as, alice, in_treatment):
    for i in range(40):
        ContactFactory(episode=in_treatment, contact_date=days_ago(i % 20))
    c = client_as(alice)
    url = f"/clients/{in_treatment.referral.client.key}/"

    first = c.get(url).content.decode()
    assert len(entries(first)) == 30
    assert "Show older entries" in first
    older = c.get(f"{url}?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in older
    # 40 contacts + start + 1 appointment + referral = 43 entries.
    assert len(entries(older)) == 13
    assert "Show older entries" not in older


def test_the_slots_for_contacts_care_plan_and_outcomes_are_there(client_as, alice, in_treatment):
    from django.template.loader import get_template

    for name in ("contacts", "care_plan", "outcomes"):
        get_template(f"keywork/_record_{name}_slot.html")
    assert client_as(alice).get(f"/clients/{in_treatment.referral.client.key}/").status_code == 200


def test_opening_the_record_writes_one_access_event(client_as, alice, bob, in_treatment):
    from clients.models import AccessEvent

    client = in_treatment.referral.client
    c = client_as(alice)
    body = c.get(f"/clients/{client.key}/").content.decode()
    assert AccessEvent.objects.filter(user=alice, client=client).count() == 1
    # The next page of the timeline carries contact notes too: its own event.
    c.get(f"/clients/{client.key}/?page=2", HTTP_HX_REQUEST="true")
    assert AccessEvent.objects.filter(user=alice, client=client).count() == 2
    assert "Who has opened this record" not in body  # a manager's page
    assert (
        "Who has opened this record"
        in client_as(bob).get(f"/clients/{client.key}/").content.decode()
    )
