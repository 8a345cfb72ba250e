"""The request a signed-in page gets, for type checking: LoginRequiredMiddleware
lets no anonymous user reach a view not marked login_not_required, and
django-htmx's middleware adds request.htmx."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from services.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
