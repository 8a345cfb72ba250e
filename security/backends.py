from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS; Django's
    ModelBackend after it does the authenticating.

    Only requests over HTTP can be guessed at, and they always carry a
    request; code that calls authenticate() without one (the test client's
    login()) is let through to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
