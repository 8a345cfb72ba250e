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
