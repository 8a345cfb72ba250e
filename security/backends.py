import datetime as dt

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from nectos import clock
from security.ip import client_ip


def too_many_failures(request, username: str | None) -> bool:
    """Beyond the (username, address) lock: many failures from one address
    across usernames (someone trying names), or for one username across
    addresses (someone trying one account from many places), within the
    cool-off, lock that address or that account too."""
    since = clock.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)

    def failures(**where) -> int:
        return recent.filter(**where).aggregate(n=Sum("failures_since_start"))["n"] or 0

    if failures(ip_address=client_ip(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return True
    return bool(username) and failures(username=username) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS; Django's
    ModelBackend after it does the authenticating.

    Only requests over HTTP can be guessed at, and they always carry a
    request; code that calls authenticate() without one (the test client's
    login()) is let through to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if too_many_failures(request, username):
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username, password, **kwargs)
