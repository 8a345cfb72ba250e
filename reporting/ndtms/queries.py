"""Reads for the managers' NDTMS pages, scoped in the query: a manager sees
the services they manage and those services' extracts only."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from reporting.ndtms.models import NdtmsExtract
from services.models import Service, ServiceQuerySet

# The extracts listed on the page, newest first.
RECENT_EXTRACTS = 24


def managed_services_or_404(user) -> ServiceQuerySet:
    if not Service.objects.has_managed(user):
        raise Http404
    return Service.objects.managed_by(user)


def get_extract_for_user(user, pk: int) -> NdtmsExtract:
    return get_object_or_404(
        NdtmsExtract.objects.visible_to(user).select_related("service", "version", "built_by"),
        pk=pk,
    )


def recent_extracts(user):
    """The list beside the form: without each file's text and problems."""
    return (
        NdtmsExtract.objects.visible_to(user)
        .select_related("service", "version")
        .defer("content", "problems")[:RECENT_EXTRACTS]
    )
