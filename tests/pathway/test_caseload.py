"""The caseload: a keyworker's open episodes; a manager can look at anyone's."""

import pytest

from services.models import Role
from tests.factories import ContactFactory, MembershipFactory, UserFactory
from tests.pathway.helpers import assess, days_ago, discharge, register, start

pytestmark = pytest.mark.django_db


def rows(body: str) -> list[str]:
    """The table rows of the caseload, in order (the phone cards repeat them)."""
    return body.split('data-testid="caseload-row"')[1:]


def episode_for(keyworker, service, initials, *, started, seen=None):
    referral = register(keyworker, service, initials=initials, on=days_ago(started + 10))
    assess(referral, on=days_ago(started + 5))
    episode = start(referral, keyworker, on=days_ago(started))
    for ago in seen or []:
        ContactFactory(episode=episode, contact_date=days_ago(ago))
    return episode


def test_a_keyworker_sees_their_open_episodes_only(client_as, alice, bob, service_a):
    episode_for(alice, service_a, "AA", started=30)
    discharge(episode_for(alice, service_a, "EE", started=40))
    episode_for(bob, service_a, "BB", started=20)

    body = client_as(alice).get("/caseload/").content.decode()

    assert "Your caseload" in body
    assert len(rows(body)) == 1
    assert ">AA<" in rows(body)[0]
    assert ">BB<" not in body and ">EE<" not in body


def test_a_row_shows_tier_days_in_treatment_last_attended_contact_and_days_since(
    client_as, alice, service_a
):
    episode = episode_for(alice, service_a, "AA", started=30, seen=[20, 6])
    ContactFactory(  # a DNA after it is not a contact the client attended
        episode=episode, contact_date=days_ago(2), attendance="dna", duration_minutes=None
    )

    row = rows(client_as(alice).get("/caseload/").content.decode())[0]

    assert '<td data-label="Tier">3' in row  # tier
    assert "30 <span" in row  # days in treatment
    assert days_ago(6).strftime("%-d %b") in row
    assert "6 days ago" in row
    assert "None booked" in row


def test_someone_never_seen_is_flagged(client_as, alice, service_a):
    episode_for(alice, service_a, "AA", started=3)
    assert "Not seen yet" in client_as(alice).get("/caseload/").content.decode()


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("client", ["AA", "BB", "CC"]),
        ("-client", ["CC", "BB", "AA"]),
        ("days", ["BB", "CC", "AA"]),
        ("-days", ["AA", "CC", "BB"]),
        ("-seen", ["BB", "AA", "CC"]),  # never seen first, then longest since seen
        ("seen", ["CC", "AA", "BB"]),
    ],
)
def test_the_columns_sort_both_ways(client_as, alice, service_a, sort, order):
    episode_for(alice, service_a, "AA", started=50, seen=[30])
    episode_for(alice, service_a, "BB", started=10)
    episode_for(alice, service_a, "CC", started=20, seen=[1])

    body = client_as(alice).get(f"/caseload/?sort={sort}").content.decode()

    found = [next(i for i in order if f">{i}<" in row) for row in rows(body)]
    assert found == order


def test_the_default_puts_who_has_gone_longest_unseen_first(client_as, alice, service_a):
    episode_for(alice, service_a, "AA", started=50, seen=[2])
    episode_for(alice, service_a, "BB", started=50, seen=[20])
    body = client_as(alice).get("/caseload/").content.decode()
    assert ">BB<" in rows(body)[0]
    assert 'aria-sort="descending"' in body


def test_a_bad_sort_falls_back_to_the_default(client_as, alice, service_a):
    episode_for(alice, service_a, "AA", started=5)
    assert client_as(alice).get("/caseload/?sort=;drop").status_code == 200


def test_a_manager_sees_every_caseload_of_their_service_and_can_pick_one(
    client_as, alice, bob, service_a, charlie, service_b
):
    episode_for(alice, service_a, "AA", started=30)
    episode_for(bob, service_a, "BB", started=20)
    episode_for(charlie, service_b, "CC", started=10)
    c = client_as(bob)

    everyone = c.get("/caseload/").content.decode()
    assert "All caseloads" in everyone
    assert len(rows(everyone)) == 2
    assert ">CC<" not in everyone
    assert "Alice Keyworker" in everyone  # the keyworker column

    alices = c.get(f"/caseload/?worker={alice.pk}").content.decode()
    assert "Caseload of Alice Keyworker" in alices
    assert [">AA<" in r for r in rows(alices)] == [True]

    own = c.get("/caseload/?worker=me").content.decode()
    assert [">BB<" in r for r in rows(own)] == [True]

    # Someone outside the services bob manages: his own caseload instead.
    assert "Caseload of Charlie" not in c.get(f"/caseload/?worker={charlie.pk}").content.decode()


def test_a_keyworker_cannot_open_someone_elses_caseload(client_as, alice, bob, service_a):
    episode_for(bob, service_a, "BB", started=20)
    c = client_as(alice)
    for query in ("?worker=all", f"?worker={bob.pk}"):
        body = c.get(f"/caseload/{query}").content.decode()
        assert "Your caseload" in body
        assert ">BB<" not in body
    assert 'id="caseload-worker"' not in body


def test_it_answers_htmx_with_the_panel_alone(client_as, alice, service_a):
    episode_for(alice, service_a, "AA", started=5)
    body = client_as(alice).get("/caseload/?sort=client", HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<section id="caseload-panel"')
    assert "<html" not in body


def test_the_home_page_of_keyworkers_and_managers_loads_the_caseload(client_as, alice, bob):
    for user in (alice, bob):
        body = client_as(user).get("/").content.decode()
        assert 'hx-get="/caseload/?embed=1"' in body
    embedded = client_as(alice).get("/caseload/?embed=1", HTTP_HX_REQUEST="true")
    assert '<h2 class="h4 mb-0" id="caseload-heading">' in embedded.content.decode()


def test_the_caseload_pages_at_fifty(client_as, alice, service_a):
    for i in range(52):
        referral = register(alice, service_a, initials="A" + chr(65 + i % 26), on=days_ago(40))
        assess(referral, on=days_ago(35))
        start(referral, alice, on=days_ago(30))
    c = client_as(alice)
    first = c.get("/caseload/").content.decode()
    assert len(rows(first)) == 50
    assert "Page 1 of 2" in first
    assert len(rows(c.get("/caseload/?page=2").content.decode())) == 2


def test_someone_who_keyworks_in_one_service_and_manages_another_sees_their_own(
    client_as, service_a, service_b, alice
):
    erin = UserFactory(username="erin", full_name="Erin Both")
    MembershipFactory(user=erin, service=service_a, role=Role.KEYWORKER)
    MembershipFactory(user=erin, service=service_b, role=Role.MANAGER)
    episode_for(erin, service_a, "EA", started=5)
    body = client_as(erin).get("/caseload/?worker=me").content.decode()
    assert ">EA<" in body


def test_the_next_appointment_is_the_earliest_booked_keywork_appointment_from_today(
    client_as, alice, service_a
):
    from keywork.models import KeyworkAppointment

    episode = episode_for(alice, service_a, "AA", started=30)
    for ago in (-9, -2, 3):  # in 9 days, in 2 days, 3 days ago (unresolved, not "next")
        KeyworkAppointment.objects.create(
            episode=episode,
            appointment_date=days_ago(ago),
            staff=alice,
            booked_by=alice,
        )

    row = rows(client_as(alice).get("/caseload/").content.decode())[0]

    assert days_ago(-2).strftime("%a %-d %b") in row
    assert days_ago(-9).strftime("%a %-d %b") not in row
