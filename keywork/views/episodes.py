"""Start, discharge and reallocate treatment episodes."""

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clients.access import clinical_required, get_referral_for_user
from clients.access_log import record_client_page
from keywork import queries
from keywork.access import get_episode_for_user, get_managed_episode_for_user
from keywork.actions import episodes as actions
from keywork.forms.episodes import EpisodeDischargeForm, EpisodeReassignForm, EpisodeStartForm
from nectos.forms import form_page
from services.http import AuthenticatedHttpRequest


@clinical_required
@require_http_methods(["GET", "POST"])
def episode_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    client = referral.client
    record_client_page(request, client)
    if hasattr(referral, "episode"):
        messages.info(request, "Treatment has already started from this referral.")
        return redirect("keywork:record", key=client.key)
    assessed_on = queries.first_attended_assessment(referral)
    form = EpisodeStartForm(
        request.POST or None, referral=referral, user=request.user, assessed_on=assessed_on
    )
    context = {"form": form, "referral": referral, "client": client, "assessed_on": assessed_on}

    def start(data: dict):
        return actions.episode_start(
            referral=referral,
            tier=data["tier"],
            keyworker=data["keyworker"],
            start_date=data["start_date"],
            planned_days=data["planned_days"],
            acting_user=request.user,
        )

    def started(_episode) -> HttpResponse:
        messages.success(request, "Treatment started.")
        return redirect("keywork:record", key=client.key)

    return form_page(
        request, form, "keywork/episodes/start.html", context, action=start, done=started
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def episode_discharge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, pk)
    client = episode.referral.client
    record_client_page(request, client)
    if not episode.is_open:
        messages.info(request, "This episode has already ended.")
        return redirect("keywork:record", key=client.key)
    form = EpisodeDischargeForm(request.POST or None, episode=episode)
    context = {"form": form, "episode": episode, "client": client}

    def discharge(data: dict):
        return actions.episode_discharge(
            episode=episode,
            end_date=data["end_date"],
            discharge_reason=data["discharge_reason"],
            acting_user=request.user,
        )

    def discharged(_episode) -> HttpResponse:
        messages.success(
            request,
            "Episode ended. The door stays open: a new referral brings them back "
            "with their history.",
        )
        if request.POST.get("then_exit_top"):
            # The discharge form offers the exit TOP (docs/outcomes.md).
            record = reverse("keywork:record", args=[client.key])
            top = reverse("outcomes:top_create", args=[episode.pk])
            return redirect(f"{top}?stage=exit&next={quote(record)}")
        return redirect("keywork:record", key=client.key)

    return form_page(
        request, form, "keywork/episodes/discharge.html", context, action=discharge, done=discharged
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def episode_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    episode = get_managed_episode_for_user(request.user, pk)
    client = episode.referral.client
    record_client_page(request, client)
    form = EpisodeReassignForm(request.POST or None, episode=episode)
    context = {"form": form, "episode": episode, "client": client}

    def reassign(data: dict):
        return actions.episode_reassign(
            episode=episode, keyworker=data["keyworker"], acting_user=request.user
        )

    def reassigned(episode) -> HttpResponse:
        name = episode.keyworker.full_name or episode.keyworker.username
        messages.success(request, f"Now on {name}'s caseload.")
        return redirect("keywork:record", key=client.key)

    return form_page(
        request, form, "keywork/episodes/reassign.html", context, action=reassign, done=reassigned
    )
