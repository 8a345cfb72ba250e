"""The TOP form: record, edit and delete. Every view reaches the episode
through the scoped access helpers (404 for another service's client) and
writes one access event per request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients.access_log import record_client_page
from nectos import clock
from outcomes.access import get_episode_for_user, get_top_for_user
from outcomes.top_actions import top_delete, top_record, top_update
from outcomes.top_forms import TopForm
from outcomes.top_models import Stage, TreatmentOutcomesProfile
from outcomes.views import _next_url
from services.http import AuthenticatedHttpRequest
from submissions.actions import submit_once
from submissions.queries import earlier_submission


def _previous(episode, before=None) -> TreatmentOutcomesProfile | None:
    """The episode's latest TOP (before `before` when editing one): its
    answers sit one click away on the form."""
    tops = TreatmentOutcomesProfile.objects.filter(episode=episode).select_related(
        "other_substance"
    )
    if before is not None:
        tops = tops.exclude(pk=before.pk).filter(top_date__lte=before.top_date)
    return tops.order_by("-top_date", "-pk").first()


def _default_stage(episode, asked: str | None) -> str:
    if asked in Stage.values:
        return asked
    if episode.end_date is not None:
        return Stage.EXIT
    if not TreatmentOutcomesProfile.objects.filter(episode=episode, stage=Stage.START).exists():
        return Stage.START
    return Stage.REVIEW


def _render(request, form: TopForm, episode, top=None):
    context = {
        "form": form,
        "episode": episode,
        "top": top,
        "previous": form.previous,
        "next": _next_url(request, ""),
    }
    status = 400 if form.is_bound else 200
    return render(request, "outcomes/top_form.html", context, status=status)


def _done(request, saved: TreatmentOutcomesProfile, verb: str):
    messages.success(request, f"{saved.get_stage_display()} TOP {verb}.")
    fallback = reverse("outcomes:episode", args=[saved.episode_id])
    return HttpResponseRedirect(_next_url(request, fallback))


@require_http_methods(["GET", "POST"])
def top_create(request: AuthenticatedHttpRequest, episode_pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_pk)
    record_client_page(request, episode.referral.client)
    stage = _default_stage(episode, request.GET.get("stage"))
    day = episode.end_date if stage == Stage.EXIT and episode.end_date else clock.today()
    form = TopForm(
        request.POST or None,
        previous=_previous(episode),
        initial={"stage": stage, "top_date": day},
    )
    # The same form sent again (a double click): answered as the first was,
    # before validation, which the repeat would fail (one start TOP each).
    earlier = form.is_bound and earlier_submission(request, "top", TreatmentOutcomesProfile)
    if earlier and earlier.episode_id == episode.pk:
        return _done(request, earlier, "saved")
    if form.is_bound and form.is_valid():
        try:
            saved = submit_once(
                acting_user=request.user,
                kind="top",
                key=form.cleaned_data.get("submission_key"),
                model=TreatmentOutcomesProfile,
                create=lambda: top_record(
                    acting_user=request.user, episode=episode, fields=form.fields_for_action()
                ),
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return _done(request, saved, "saved")
    return _render(request, form, episode)


@require_http_methods(["GET", "POST"])
def top_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    top = get_top_for_user(request.user, pk)
    episode = top.episode
    record_client_page(request, episode.referral.client)
    form = TopForm(
        request.POST or None,
        previous=_previous(episode, before=top),
        initial=TopForm.initial_from(top),
    )
    if form.is_bound and form.is_valid():
        try:
            saved = top_update(acting_user=request.user, top=top, fields=form.fields_for_action())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return _done(request, saved, "saved")
    return _render(request, form, episode, top)


@require_POST
def top_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    top = get_top_for_user(request.user, pk)
    record_client_page(request, top.episode.referral.client)
    top_delete(acting_user=request.user, top=top)
    messages.success(request, f"{top.get_stage_display()} TOP deleted.")
    return HttpResponseRedirect(reverse("outcomes:episode", args=[top.episode_id]))
