"""The one clock the product reads.

Business dates ("today") are the calendar day in the service's time zone
(settings.TIME_ZONE, Europe/London), taken from Python and never from the
database's now(): the web process, the worker and the tests then agree on
the day, and a test can move every reading at once with time-machine.
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date where the services are, not where the server is."""
    return timezone.localdate(timezone.now())


def database_now(using: str = "default") -> dt.datetime:
    """The database server's clock. Only for comparing with times that the
    database itself stamps (history events' pgh_created_at), so that both
    sides of the comparison come from one clock; never for a business date."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]
