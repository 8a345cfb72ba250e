"""The keyworker's follow-ups page and the manager's overdue page: scoped,
and a constant number of queries whatever the data size."""

from datetime import timedelta

import pytest
from django.urls import reverse

from outcomes.actions import followups_sweep
from outcomes.models import Notification
from tests.factories import MembershipFactory, OutcomeFormFactory, UserFactory
from tests.outcomes.helpers import make_episode

pytestmark = pytest.mark.django_db

FOLLOW_UPS = reverse("outcomes:notifications")
OVERDUE = reverse("outcomes:overdue")


def caseload(service, keyworker, today, n: int = 3):
    for i in range(n):
        make_episode(service, keyworker, started_days_ago=25 + i * 15)
    followups_sweep(as_of=today)


def test_a_keyworker_sees_their_due_and_overdue_forms(client_as, alice, service_a, today):
    caseload(service_a, alice, today)
    response = client_as(alice).get(FOLLOW_UPS)
    assert response.status_code == 200
    assert [fu.state for fu in response.context["outstanding"]] == ["overdue", "overdue", "due"]
    assert len(response.context["notifications"]) == 3


def test_a_keyworker_never_sees_another_services_follow_ups(
    client_as, alice, charlie, service_a, service_b, today
):
    caseload(service_b, charlie, today)
    response = client_as(alice).get(FOLLOW_UPS)
    assert response.context["outstanding"] == []
    assert response.context["notifications"] == []


def test_notifications_from_a_service_left_behind_are_hidden(client_as, service_a, today):
    erin = UserFactory(username="erin")
    membership = MembershipFactory(user=erin, service=service_a)
    caseload(service_a, erin, today)
    assert len(client_as(erin).get(FOLLOW_UPS).context["notifications"]) == 3
    membership.delete()
    # Working with clients nowhere now, the page itself is gone for them.
    assert client_as(erin).get(FOLLOW_UPS).status_code == 404


def test_notifications_from_one_service_left_behind_are_hidden(
    client_as, service_a, service_b, today
):
    erin = UserFactory(username="erin")
    membership = MembershipFactory(user=erin, service=service_a)
    MembershipFactory(user=erin, service=service_b)
    caseload(service_a, erin, today)
    assert len(client_as(erin).get(FOLLOW_UPS).context["notifications"]) == 3
    membership.delete()
    response = client_as(erin).get(FOLLOW_UPS)
    assert response.context["notifications"] == []
    assert response.context["outstanding"] == []


def test_marking_all_read(client_as, alice, service_a, today):
    caseload(service_a, alice, today)
    response = client_as(alice).post(FOLLOW_UPS)
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_follow_ups_page_runs_a_fixed_number_of_queries(
    client_as, alice, service_a, today, django_assert_max_num_queries
):
    caseload(service_a, alice, today, n=12)
    # session, user, clinical membership check, outstanding follow-ups (with
    # episode, client, service), residential ratings to record, notifications
    # (with the same), standing for the top bar, session save (savepoint,
    # update, release).
    client = client_as(alice)
    with django_assert_max_num_queries(10):
        response = client.get(FOLLOW_UPS)
    assert len(response.context["notifications"]) >= 12


def test_a_manager_sees_overdue_forms_by_keyworker(client_as, alice, bob, service_a, today):
    erin = UserFactory(username="erin", full_name="Erin Keyworker")
    MembershipFactory(user=erin, service=service_a)
    make_episode(service_a, alice, started_days_ago=40)
    make_episode(service_a, alice, started_days_ago=50)
    make_episode(service_a, erin, started_days_ago=25)
    done = make_episode(service_a, erin, started_days_ago=40)
    OutcomeFormFactory(episode=done, timepoint="day30", form_date=today)
    followups_sweep(as_of=today)
    response = client_as(bob).get(OVERDUE)
    assert response.status_code == 200
    rows = [(k.keyworker.username, k.overdue, k.due) for k in response.context["keyworkers"]]
    assert rows == [("alice", 2, 0), ("erin", 0, 1)]
    assert "Alice Keyworker: 2 overdue" in response.content.decode()


def test_a_manager_sees_nothing_of_another_service(client_as, bob, charlie, service_b, today):
    make_episode(service_b, charlie, started_days_ago=40)
    followups_sweep(as_of=today)
    assert client_as(bob).get(OVERDUE).context["keyworkers"] == []


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora", "admin_user"])
def test_only_managers_reach_the_overdue_page(client_as, persona, request):
    user = request.getfixturevalue(persona)
    assert client_as(user).get(OVERDUE).status_code == 404


def test_the_overdue_page_runs_a_fixed_number_of_queries(
    client_as, alice, bob, service_a, today, django_assert_max_num_queries
):
    caseload(service_a, alice, today, n=15)
    # session, user, managed services, overdue rows (with keyworker and
    # client), per-keyworker counts, names of keyworkers with only due forms
    # (none here), standing, session save (savepoint, update, release).
    client = client_as(bob)
    with django_assert_max_num_queries(9):
        response = client.get(OVERDUE)
    assert response.context["keyworkers"][0].overdue >= 14


def test_the_episode_page_runs_a_fixed_number_of_queries(
    client_as, alice, service_a, today, django_assert_max_num_queries
):
    episode = make_episode(service_a, alice, started_days_ago=100)
    followups_sweep(as_of=today)
    for timepoint in ("baseline", "day30", "day90"):
        for reporter in ("keyworker", "client"):
            OutcomeFormFactory(
                episode=episode,
                timepoint=timepoint,
                reported_by=reporter,
                form_date=episode.start_date,
            )
    # session, user, episode (with client, service, keyworker), its forms,
    # its follow-ups, its TOPs, standing, session save (savepoint, update,
    # release); the access event (acting membership, insert).
    client = client_as(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outcomes:episode", args=[episode.pk]))
    assert response.content.decode().count("Edit<span") == 6


def test_residential_ratings_to_record_are_listed(client_as, alice, service_a, today):
    admitted = make_episode(service_a, alice, started_days_ago=3, tier=4)
    rated = make_episode(service_a, alice, started_days_ago=3, tier=4)
    OutcomeFormFactory(episode=rated, form_date=rated.start_date, cravings=5)
    discharged = make_episode(
        service_a,
        alice,
        started_days_ago=60,
        tier=4,
        end_date=today,
        discharge_reason_id="completed_drug_free",
    )
    OutcomeFormFactory(episode=discharged, form_date=discharged.start_date, cravings=9)
    make_episode(  # discharged long ago: no longer asked for
        service_a,
        alice,
        started_days_ago=200,
        tier=4,
        end_date=today - timedelta(days=31),
        discharge_reason_id="other",
    )
    make_episode(service_a, alice, started_days_ago=3)  # not residential
    response = client_as(alice).get(FOLLOW_UPS)
    rows = [(e.pk, e.ratings_timepoint) for e in response.context["ratings"]]
    assert rows == [(discharged.pk, "exit"), (admitted.pk, "baseline")]
    html = response.content.decode()
    assert "Record the admission ratings" in html and "Record the discharge ratings" in html
