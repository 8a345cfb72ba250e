"""Reporting reads on a PostgreSQL read replica, when one is configured.

With DATABASE_REPLICA_URL set, settings adds DATABASES["replica"] and this
router sends the reads made inside `replica_reads()` there: the heavy,
read-only work of the reporting floor (a dashboard snapshot's figures, a
quarterly return's figures). Everything else, and every write, stays on
the primary, so nobody reads their own write from a replica that has not
caught up yet. Without the setting the block changes nothing.

Raw SQL follows the router too when it takes its connection from the
queryset (`connections[queryset.db]`), as reporting.metrics.sql does."""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block ORM reads go to the replica (when there is one)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reads_as_of(now: dt.datetime) -> dt.datetime:
    """The moment the data read inside `replica_reads()` stands at: `now` on
    the primary, else the replica's last replayed commit (it lags). A
    snapshot stamped with this is never newer than what it saw."""
    if not replica_configured():
        return now
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_xact_replay_timestamp()")
        replayed = cursor.fetchone()[0]
    return min(now, replayed) if replayed is not None else now


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _reporting.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The same data on both: an object read from the replica may be
        # related to one from the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return db != REPLICA
