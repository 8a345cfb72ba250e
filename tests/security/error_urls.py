"""A test-only URLconf: views that fail, to see the production error pages."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path


def boom(request):
    raise RuntimeError("secret detail: /etc/nectos and client QZ 1985-06-01")


def forbidden(request):
    raise PermissionDenied("secret detail")


def bad(request):
    raise BadRequest("secret detail")


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), path("bad/", bad)]
handler400 = "django.views.defaults.bad_request"
