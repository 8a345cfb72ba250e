"""The one place keywork records are fetched for a user: scoped in the query,
404 alike for "not yours" and "does not exist"."""

from django.http import Http404

from keywork.models import Episode
from services.models import Service

_EPISODE_RELATED = (
    "referral__client",
    "referral__service",
    "keyworker",
    "discharge_reason",
)


def get_episode_for_user(user, pk: int) -> Episode:
    try:
        return Episode.objects.visible_to(user).select_related(*_EPISODE_RELATED).get(pk=pk)
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc


def get_managed_episode_for_user(user, pk: int) -> Episode:
    """Episodes of services the user manages: allocation is a manager's job."""
    try:
        return (
            Episode.objects.filter(referral__service__in=Service.objects.managed_by(user))
            .select_related(*_EPISODE_RELATED)
            .get(pk=pk)
        )
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc

