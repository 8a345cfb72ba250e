"""The one place outcome-floor records are fetched for a user: scoped in the
query, and the same 404 for "not yours" and "does not exist"."""

from django.http import Http404

from keywork.models import Episode
from outcomes.models import OutcomeForm


def get_episode_for_user(user, pk: int) -> Episode:
    try:
        return (
            Episode.objects.visible_to(user)
            .select_related("referral__client", "referral__service", "keyworker")
            .get(pk=pk)
        )
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc


def get_form_for_user(user, pk: int) -> OutcomeForm:
    try:
        return (
            OutcomeForm.objects.visible_to(user)
            .select_related(
                "episode__referral__client", "episode__referral__service", "episode__keyworker"
            )
            .get(pk=pk)
        )
    except OutcomeForm.DoesNotExist as exc:
        raise Http404("No such outcome form") from exc


def get_top_for_user(user, pk: int):
    from outcomes.top_models import TreatmentOutcomesProfile

    try:
        return (
            TreatmentOutcomesProfile.objects.visible_to(user)
            .select_related(
                "episode__referral__client", "episode__referral__service", "episode__keyworker"
            )
            .get(pk=pk)
        )
    except TreatmentOutcomesProfile.DoesNotExist as exc:
        raise Http404("No such TOP") from exc
