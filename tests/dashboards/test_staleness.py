"""Freshness: a snapshot is recomputed when it is older than the newest
change it covers. Change times come from the pghistory events, stamped with
the time their transaction began, so these tests commit as they go."""

import datetime as dt

import pytest

from reporting.dashboards import actions
from reporting.dashboards.quarters import Quarter
from reporting.dashboards.queries import get_snapshot, is_stale, newest_changes
from reporting.models import DashboardSnapshot
from services.models import Service
from tests.dashboards.helpers import AS_OF, PERIOD
from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(LITERAL_DAY)]

Q1 = Quarter(2026, 1)
URL = "/dashboards/A/"


@pytest.fixture(autouse=True)
def code_lists(transactional_db):
    from tests.code_lists import seed_all_code_lists

    seed_all_code_lists()


def _snapshot(service):
    return get_snapshot(service, Q1.start, Q1.end, AS_OF)


def test_a_change_after_the_snapshot_makes_it_stale(client_as, bob, service_a, computed):
    computed(client_as(bob), URL)
    snapshot = _snapshot(service_a)
    assert not is_stale(snapshot, newest_changes(Service.objects.all())[service_a.pk])
    ReferralFactory(service=service_a, referral_date=dt.date(2026, 2, 1))
    assert is_stale(snapshot, newest_changes(Service.objects.all())[service_a.pk])
    body = client_as(bob).get(URL, PERIOD).content.decode()
    assert "Records have changed since" in body


def test_a_change_at_another_service_does_not(client_as, bob, service_a, service_b, computed):
    computed(client_as(bob), URL)
    ReferralFactory(service=service_b)
    changed = newest_changes(Service.objects.all())
    assert not is_stale(_snapshot(service_a), changed[service_a.pk])


@pytest.mark.parametrize("what", ["contact", "episode end"])
def test_changes_deeper_in_the_pathway_count_too(client_as, bob, service_a, computed, what):
    episode = EpisodeFactory(referral=ReferralFactory(service=service_a))
    computed(client_as(bob), URL)
    if what == "contact":
        ContactFactory(episode=episode)
    else:
        episode.end_date = episode.start_date
        episode.discharge_reason_id = "dropped_out"
        episode.save()
    assert is_stale(_snapshot(service_a), newest_changes(Service.objects.all())[service_a.pk])


def test_the_nightly_job_computes_this_and_last_quarter_for_every_service_once(
    service_a, service_b, django_capture_on_commit_callbacks
):
    today = dt.date(2026, 11, 27)
    with django_capture_on_commit_callbacks(execute=True):
        queued = actions.snapshots_refresh(today=today)
    assert len(queued) == 4
    assert sorted(
        DashboardSnapshot.objects.values_list("service__code", "period_start", "state")
    ) == [
        ("A", dt.date(2026, 7, 1), "done"),
        ("A", dt.date(2026, 10, 1), "done"),
        ("B", dt.date(2026, 7, 1), "done"),
        ("B", dt.date(2026, 10, 1), "done"),
    ]
    # Nothing changed: nothing to do. A change at A: A's two again.
    assert actions.snapshots_refresh(today=today) == []
    ReferralFactory(service=service_a, referral_date=dt.date(2026, 11, 2))
    again = actions.snapshots_refresh(today=today)
    assert {DashboardSnapshot.objects.get(pk=pk).service.code for pk in again} == {"A"}
    assert len(again) == 2
