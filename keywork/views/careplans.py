"""The care plan of an episode: goals in the client's words and their
reviews. Thin: fetch through keywork.access, validate, call one action."""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clients.access import clinical_required
from clients.access_log import record_client_page
from keywork.access import get_episode_for_user, get_goal_for_user
from keywork.actions import careplans as actions
from keywork.forms.careplans import GoalEditForm, GoalForm, GoalReviewForm
from keywork.models import Goal, GoalReview, GoalStatus
from nectos import clock
from nectos.forms import add_action_errors, form_page
from services.http import AuthenticatedHttpRequest


def _goals(episode):
    return list(
        Goal.objects.filter(care_plan__episode=episode)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("reviews", queryset=GoalReview.objects.select_related("reviewed_by"))
        )
        .order_by("status", "next_review_date", "pk")
    )


def _plan_url(goal: Goal) -> str:
    return reverse("keywork:care_plan", args=[goal.care_plan.episode_id]) + f"#goal-{goal.pk}"


@clinical_required
@require_http_methods(["GET", "POST"])
def care_plan(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The plan, and the form to add a goal. Queries: standing, episode,
    goals with who set them, their reviews with who reviewed."""
    episode = get_episode_for_user(request.user, episode_id)
    record_client_page(request, episode.referral.client)
    form = GoalForm(request.POST or None, auto_id="id_new_%s")
    if request.method == "POST" and form.is_valid():
        try:
            goal = actions.goal_add(episode=episode, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Goal added to the care plan.")
            return redirect(_plan_url(goal))
    goals = _goals(episode)
    for goal in goals:
        if goal.status == GoalStatus.OPEN and episode.is_open:
            goal.review_form = GoalReviewForm(auto_id=f"id_g{goal.pk}_%s")
    context = {
        "episode": episode,
        "form": form,
        "today": clock.today(),
        "open_goals": [g for g in goals if g.status == GoalStatus.OPEN],
        "closed_goals": [g for g in goals if g.status != GoalStatus.OPEN],
    }
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    return render(request, "keywork/careplans/care_plan.html", context, status=status)


@clinical_required
@require_http_methods(["GET", "POST"])
def goal_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, pk)
    record_client_page(request, goal.care_plan.episode.referral.client)
    form = GoalReviewForm(request.POST or None, auto_id=f"id_g{goal.pk}_%s")
    context = {"goal": goal, "episode": goal.care_plan.episode, "form": form}

    def done(_review: object) -> HttpResponse:
        messages.success(request, "Review recorded.")
        return redirect(_plan_url(goal))

    return form_page(
        request,
        form,
        "keywork/careplans/goal_review.html",
        context,
        action=lambda data: actions.goal_review(goal=goal, acting_user=request.user, **data),
        done=done,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, pk)
    record_client_page(request, goal.care_plan.episode.referral.client)
    initial = {"text": goal.text, "domain": goal.domain, "target_date": goal.target_date}
    form = GoalEditForm(request.POST or None, initial=initial)
    context = {"goal": goal, "episode": goal.care_plan.episode, "form": form}

    def done(_goal: object) -> HttpResponse:
        messages.success(request, "Goal updated. The earlier wording is kept in history.")
        return redirect(_plan_url(goal))

    return form_page(
        request,
        form,
        "keywork/careplans/goal_edit.html",
        context,
        action=lambda data: actions.goal_update(goal=goal, acting_user=request.user, **data),
        done=done,
    )
