"""A test-only URLconf: a view that changes a record with a bulk update,
run through the project's real middleware."""

from django.http import HttpResponse
from django.urls import path

from clients.models import Referral


def bulk_update(request):
    Referral.objects.filter(pk=request.POST["pk"]).update(reason=request.POST["reason"])
    return HttpResponse("ok")


urlpatterns = [path("bulk-update/", bulk_update)]
