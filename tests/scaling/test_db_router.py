"""A read replica for the reporting floor (docs/scaling.md): with
DATABASE_REPLICA_URL set, a dashboard snapshot's and a quarterly return's
figures are read there; every other read and every write stays on the
primary; without it nothing changes."""

import datetime as dt

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from clients.models import Referral
from nectos.db_router import REPLICA, reads_as_of, replica_reads
from reporting.dashboards import actions as dashboard_actions
from reporting.dashboards.quarters import Quarter as DashboardQuarter
from reporting.models import QuarterlyReturn, ReturnState
from reporting.returns import actions as return_actions
from reporting.returns.quarters import Quarter
from tests.code_lists import seed_all_code_lists
from tests.dates import LITERAL_DAY
from tests.factories import ReferralFactory

pytestmark = pytest.mark.today(LITERAL_DAY)


@pytest.fixture
def replica(monkeypatch):
    """A 'replica' alias: a second connection to the test database, as a
    streaming replica would be a second server with the same data."""
    monkeypatch.setitem(connections.settings, REPLICA, dict(connections.settings["default"]))
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]


@pytest.fixture
def connected_replica(transactional_db, replica):
    """Connected here: Django's test case refuses to open a connection to an
    alias it was not told about, but lets one already open be used."""
    replica.connect()
    # A transactional test before this one may have flushed the code lists.
    seed_all_code_lists()
    return replica


def test_without_a_replica_reporting_reads_stay_on_the_primary():
    with replica_reads():
        assert Referral.objects.all().db == "default"
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    assert reads_as_of(now) == now


def test_with_a_replica_only_reporting_reads_go_there(replica):
    assert Referral.objects.all().db == "default"
    with replica_reads():
        assert Referral.objects.all().db == REPLICA
        assert router.db_for_write(Referral) == "default"
    assert Referral.objects.all().db == "default"
    assert router.allow_migrate(REPLICA, "clients") is False
    assert router.allow_migrate("default", "clients") is True


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_reads_its_figures_on_the_replica(connected_replica, service_a, bob):
    ReferralFactory(service=service_a, referral_date=dt.date(2026, 2, 3))
    q1 = DashboardQuarter(2026, 1)
    snapshot = dashboard_actions.snapshot_request(
        service=service_a, start=q1.start, end=q1.end, as_of=dt.date(2026, 4, 30)
    )
    with CaptureQueriesContext(connected_replica) as on_replica:
        dashboard_actions.snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.state == "done" and snapshot.data["funnel"]["referred"] == 1
    assert len(on_replica) > 5
    # The raw SQL of reporting.metrics.sql follows the queryset there too.
    assert any(q["sql"].startswith("SELECT") and ") s" in q["sql"] for q in on_replica)
    # Its own bookkeeping (progress, the stored figures) went to the primary.
    assert not any(q["sql"].startswith(("UPDATE", "INSERT")) for q in on_replica)


@pytest.mark.django_db(transaction=True)
def test_a_quarterly_return_reads_its_figures_on_the_replica(
    connected_replica, service_a, dora, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ReferralFactory(service=service_a, referral_date=dt.date(2026, 2, 3))
    with CaptureQueriesContext(connected_replica) as on_replica:
        qr = return_actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    qr = QuarterlyReturn.objects.get(pk=qr.pk)
    assert qr.state == ReturnState.DONE
    assert len(on_replica) > 5
    assert not any(q["sql"].startswith(("UPDATE", "INSERT")) for q in on_replica)
