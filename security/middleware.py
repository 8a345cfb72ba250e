import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse

from security.request_id import current_request_id, new_request_id
from security.sessions import MFA_ENROLLED, SIGNED_IN_AT

# Pages a signed-in user may reach before the second factor: the steps
# themselves and the way out.
SECOND_FACTOR_STEPS = {"login", "logout", "healthz", "security:verify", "security:mfa_setup"}


class RequestIdMiddleware:
    """First in the chain: every log line and access event of the request
    carries this id, and the response says it in X-Request-ID. We always mint
    our own so that nobody can plant a value in the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        # Left set until request_finished: Django logs 4xx/5xx responses
        # after the middleware chain has returned.
        current_request_id.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class SessionLifetimeMiddleware:
    """The absolute limit: a session ends SESSION_ABSOLUTE_SECONDS (12 hours)
    after sign-in however busy it is. The idle limit is the session expiry
    itself (SESSION_COOKIE_AGE, pushed on at every request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = time.time()
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session reached its time limit. Please sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class SecondFactorMiddleware:
    """After the password, nothing but the second-factor steps until the code
    is given: users with a device must verify it; users without one enrol
    when MFA_REQUIRED is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in SECOND_FACTOR_STEPS:
            return None
        if request.session.get(MFA_ENROLLED):
            target = reverse("security:verify")
        elif settings.MFA_REQUIRED:
            target = reverse("security:mfa_setup")
        else:
            return None
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponseRedirect(target)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
