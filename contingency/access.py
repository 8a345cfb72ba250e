"""The one place CM records are fetched for a user: scoped in the query,
and the same 404 for "not yours" and "does not exist"."""

from django.http import Http404

from contingency.models import CMPlan, DrugTest
from keywork.models import Episode

_EPISODE = ("episode__referral__client", "episode__referral__service", "episode__keyworker")


def get_episode_for_user(user, pk: int) -> Episode:
    try:
        return (
            Episode.objects.visible_to(user)
            .select_related("referral__client", "referral__service", "keyworker")
            .get(pk=pk)
        )
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc


def get_plan_for_user(user, pk: int) -> CMPlan:
    try:
        return CMPlan.objects.visible_to(user).select_related(*_EPISODE).get(pk=pk)
    except CMPlan.DoesNotExist as exc:
        raise Http404("No such plan") from exc


def get_test_for_user(user, pk: int) -> DrugTest:
    try:
        return (
            DrugTest.objects.visible_to(user)
            .select_related(*(f"plan__{name}" for name in _EPISODE))
            .get(pk=pk)
        )
    except DrugTest.DoesNotExist as exc:
        raise Http404("No such test") from exc
