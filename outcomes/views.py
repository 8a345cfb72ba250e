from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import clinical_required
from clients.access_log import record_client_page
from nectos import clock
from outcomes import actions, queries
from outcomes.access import get_episode_for_user, get_form_for_user
from outcomes.forms import OutcomeFormForm, initial_for
from outcomes.models import OutcomeForm
from services.http import AuthenticatedHttpRequest
from services.models import Service
from submissions.actions import submit_once
from submissions.queries import earlier_submission


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _save(request, form: OutcomeFormForm, template_context: dict):
    # The same form sent again (a double click): answered as the first was.
    earlier = request.method == "POST" and earlier_submission(request, "outcome_form", OutcomeForm)
    if earlier and earlier.episode_id == template_context["episode"].pk:
        messages.success(request, f"{earlier.get_timepoint_display()} form saved.")
        fallback = reverse("outcomes:episode", args=[earlier.episode_id])
        return HttpResponseRedirect(_next_url(request, fallback))
    if form.is_valid():
        try:
            saved = submit_once(
                acting_user=request.user,
                kind="outcome_form",
                key=form.cleaned_data.get("submission_key"),
                model=OutcomeForm,
                create=lambda: actions.outcome_form_save(
                    form=form.instance,
                    acting_user=request.user,
                    fields={name: form.cleaned_data[name] for name in actions.FORM_FIELDS},
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{saved.get_timepoint_display()} form saved.")
            fallback = reverse("outcomes:episode", args=[saved.episode_id])
            return HttpResponseRedirect(_next_url(request, fallback))
    status = HTTPStatus.UNPROCESSABLE_ENTITY if form.is_bound else HTTPStatus.OK
    return render(request, "outcomes/form.html", {**template_context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def form_create(request: AuthenticatedHttpRequest, episode_pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_pk)
    record_client_page(request, episode.referral.client)
    form = OutcomeFormForm(
        request.POST or None,
        instance=OutcomeForm(episode=episode),
        episode=episode,
        initial=initial_for(episode, request.GET.get("timepoint")),
    )
    return _save(request, form, {"episode": episode, "next": _next_url(request, "")})


@require_http_methods(["GET", "POST"])
def form_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome_form = get_form_for_user(request.user, pk)
    episode = outcome_form.episode
    record_client_page(request, episode.referral.client)
    form = OutcomeFormForm(request.POST or None, instance=outcome_form, episode=episode)
    return _save(request, form, {"episode": episode, "next": _next_url(request, "")})


@require_GET
def episode(request: AuthenticatedHttpRequest, episode_pk: int) -> HttpResponse:
    """One episode's forms beside its baseline, and its follow-ups."""
    episode = get_episode_for_user(request.user, episode_pk)
    record_client_page(request, episode.referral.client)
    prefetch_related_objects([episode], "outcome_forms", "followups", "tops")
    return render(request, "outcomes/episode.html", {"episode": episode})


@require_http_methods(["GET", "POST"])
@clinical_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A keyworker's follow-ups: what is due or overdue now, and what they
    were told and when."""
    if request.method == "POST":
        actions.notifications_mark_read(user=request.user)
        messages.success(request, "Notifications marked as read.")
        return HttpResponseRedirect(reverse("outcomes:notifications"))
    context = {
        "outstanding": list(queries.my_outstanding_followups(request.user)),
        "ratings": queries.ratings_to_record(request.user, today=clock.today()),
        "notifications": queries.notifications_for(request.user),
    }
    return render(request, "outcomes/notifications.html", context)


@require_GET
def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A manager's view: overdue forms by keyworker in the services they manage."""
    managed = list(Service.objects.managed_by(request.user))
    if not managed:
        raise Http404("Managers only")
    context = {"services": managed, "keyworkers": queries.overdue_by_keyworker(request.user)}
    return render(request, "outcomes/overdue.html", context)
