"""Every pathway page runs a fixed number of queries whatever the numbers:
the same with one episode as with a full caseload and 200 contacts on one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AppointmentFactory, ContactFactory, OutcomeFormFactory
from tests.pathway.helpers import assess, days_ago, register, start

pytestmark = pytest.mark.django_db


def add_episodes(alice, bob, service_a, n: int) -> list:
    episodes = []
    for i in range(n):
        referral = register(alice, service_a, initials=f"E{chr(65 + i % 26)}", on=days_ago(300))
        assess(referral, on=days_ago(290))
        episode = start(referral, bob if i % 3 == 1 else alice, on=days_ago(280))
        ContactFactory(episode=episode, contact_date=days_ago(i % 30))
        episodes.append(episode)
    return episodes


def add_waiting(alice, service_a, n: int) -> None:
    for i in range(n):
        referral = register(alice, service_a, initials=f"W{chr(65 + i % 26)}", on=days_ago(60))
        if i % 2:  # half with an appointment nobody has recorded
            AppointmentFactory(
                referral=referral, offered_date=days_ago(50), appointment_date=days_ago(40)
            )


def count(c, url: str, **headers) -> int:
    c.get(url, **headers)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert c.get(url, **headers).status_code == 200
    return len(queries)


@pytest.fixture
def pages(alice, bob, service_a):
    """One episode with one contact, and one referral waiting."""
    (episode,) = add_episodes(alice, bob, service_a, 1)
    add_waiting(alice, service_a, 1)
    key = episode.referral.client.key
    return episode, {
        "caseload": "/caseload/",
        "waiting list": "/waiting-list/",
        "record": f"/clients/{key}/",
        "record, older page": f"/clients/{key}/?page=2",
        "home": "/",
    }


def test_the_pages_run_the_same_queries_at_any_size(
    client_as, alice, bob, service_a, pages, django_assert_max_num_queries
):
    episode, urls = pages
    c = client_as(bob)
    small = {name: count(c, url) for name, url in urls.items()}

    add_episodes(alice, bob, service_a, 60)
    for day in range(199):
        ContactFactory(episode=episode, contact_date=days_ago(day % 270))
    OutcomeFormFactory(episode=episode)
    add_waiting(alice, service_a, 80)
    large = {name: count(c, url) for name, url in urls.items()}

    assert large == small

    # Caseload: session, user, clinical check (3); keyworkers bob manages;
    # count and page of episodes (last contact and next appointment are
    # subqueries); receivers of caseload_loaded (goals due, follow-ups, CM
    # tests due today: 3); unresolved appointments count; the top bar's
    # memberships; session save (savepoint, update, release: 3). 14 in all.
    with django_assert_max_num_queries(14):
        c.get(urls["caseload"])
    # Waiting list: session, user, clinical check (3); services; stage
    # counts (one grouped query, which also gives the paginator its count);
    # page of referrals (appointment facts are subqueries); the
    # waiting_list_loaded receiver (drop-in engagement); memberships; session
    # save (3). 11 in all.
    with django_assert_max_num_queries(11):
        c.get(urls["waiting list"])
    # Record: session, user, clinical check (3); client; the access event
    # (acting membership, insert: 2); referrals with their episodes;
    # appointments; last attended contact; receivers of record_loaded (care
    # plan goals, keywork appointments, outcome forms, follow-ups, TOPs,
    # client information reviews, CM plans: 7; a plan's tests and vouchers
    # would add 2, none here); the
    # timeline's UNION count and page (2); its contacts and their
    # interventions (2); its outcome forms; services the user manages; the
    # top bar's memberships; a slot's client lookup; session save (3).
    # 27 at most, on any page of the timeline.
    with django_assert_max_num_queries(27):
        c.get(urls["record"])
    with django_assert_max_num_queries(27):
        c.get(urls["record, older page"])
    # Home: session, user, memberships, session save (3): the caseload panel
    # comes in its own request.
    with django_assert_max_num_queries(6):
        c.get(urls["home"])


def test_a_keyworkers_caseload_is_constant_too(
    client_as, alice, bob, service_a, pages, django_assert_max_num_queries
):
    c = client_as(alice)
    small = count(c, "/caseload/")
    add_episodes(alice, bob, service_a, 40)
    assert count(c, "/caseload/") == small
    # As the manager's: the (empty) list of keyworkers she may pick still runs.
    with django_assert_max_num_queries(14):
        c.get("/caseload/")
