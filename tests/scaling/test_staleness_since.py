"""A dashboard's staleness check reads only the changes since its snapshot
was worked out (through the pgh_created_at indexes), not the service's whole
history: on the national data set that was 0.7 s of every dashboard view."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.dashboards import actions
from reporting.dashboards.quarters import Quarter
from reporting.dashboards.queries import newest_changes
from services.models import Service
from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

Q1 = Quarter(2026, 1)


def _now() -> dt.datetime:
    """The transaction's clock, which pghistory stamps events with."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def test_only_changes_at_or_after_the_moment_count(service_a, service_b):
    ContactFactory(episode=EpisodeFactory(referral=ReferralFactory(service=service_a)))
    now = _now()
    everyone = Service.objects.all()
    assert newest_changes(everyone)[service_a.pk] == now
    assert newest_changes(everyone, since=now) == {service_a.pk: now, service_b.pk: None}
    later = now + dt.timedelta(microseconds=1)
    assert newest_changes(everyone, since=later) == {service_a.pk: None, service_b.pk: None}


def test_the_dashboard_asks_only_for_changes_since_its_snapshot(client_as, bob, service_a):
    ReferralFactory(service=service_a, referral_date=dt.date(2026, 2, 3))
    snapshot = actions.snapshot_request(
        service=service_a, start=Q1.start, end=Q1.end, as_of=dt.date(2026, 4, 30)
    )
    actions.snapshot_compute(snapshot_id=snapshot.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client_as(bob).get(
            "/dashboards/A/", {"quarter": "2026Q1", "as_of": "2026-04-30"}
        )
    assert response.status_code == 200
    history = [q["sql"] for q in queries if "pgh_created_at" in q["sql"]]
    assert len(history) == 1
    # Each event table the dashboard covers (referral, appointment, episode,
    # contact, outcome form, client; CM plan, drug test, voucher), from the
    # snapshot on.
    assert history[0].count('"pgh_created_at" >=') == 9


def test_the_nightly_job_reads_no_history_when_no_snapshot_of_today_exists(service_a):
    with CaptureQueriesContext(connection) as queries:
        actions.snapshots_refresh(today=dt.date(2026, 11, 27))
    assert not any("pgh_created_at" in q["sql"] for q in queries)
