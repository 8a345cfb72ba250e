"""Group sessions and the structured day programme: sessions, enrolment and
the one register that records everyone's attendance at once."""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients.access import clinical_required
from keywork import queries
from keywork.access import get_group_enrolment_for_user, get_group_session_for_user
from keywork.actions import groups as actions
from keywork.forms.groups import EnrolForm, GroupSessionForm, RegisterForm
from keywork.models import ContactType, Episode, GroupSession
from keywork.progress import progress_for, with_programme_start
from nectos import clock
from nectos.forms import add_action_errors
from services.http import AuthenticatedHttpRequest

SESSIONS_PER_PAGE = 30


@clinical_required
@require_http_methods(["GET", "POST"])
def group_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sessions of the user's services, newest first, and a form for a new
    one. Queries: standing, count, page of sessions with service, facilitator
    and enrolment counts, services and staff for the form."""
    form = GroupSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.group_session_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Session created.")
            return redirect("keywork:group_session", pk=session.pk)
    sessions = (
        GroupSession.objects.visible_to(request.user)
        .select_related("service", "facilitator")
        .annotate(
            enrolled=Count("enrolments"),
            attended=Count("enrolments", filter=Q(enrolments__contact__attendance="attended")),
        )
        .order_by("-session_date", "-pk")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    return render(
        request,
        "keywork/groups/sessions.html",
        {"form": form, "page": page, "today": clock.today()},
        status=status,
    )


def _session_context(request, session: GroupSession, register_form=None, enrol_form=None):
    today = clock.today()
    enrolments = list(
        session.enrolments.select_related(
            "episode__referral__client", "episode__keyworker", "contact"
        ).order_by("episode__referral__client__initials", "pk")
    )
    progress = {}
    if session.kind == ContactType.DAY_PROGRAMME and session.service.day_programme_weeks:
        episodes = with_programme_start(
            Episode.objects.filter(group_enrolments__session=session).select_related(
                "referral__service", "discharge_reason"
            )
        )
        progress = {e.pk: progress_for(e, today) for e in episodes}
    for enrolment in enrolments:
        enrolment.progress = progress.get(enrolment.episode_id)
    pending = [e for e in enrolments if e.contact_id is None]
    if register_form is None and pending:
        register_form = RegisterForm(enrolments=pending, minutes=session.duration_minutes)
    if enrol_form is None:
        enrol_form = EnrolForm(episodes=_enrollable(session))
    return {
        "session": session,
        "enrolments": enrolments,
        "pending": pending,
        "register_form": register_form,
        "enrol_form": enrol_form,
        "register_open": session.session_date <= today,
        "today": today,
    }


def _enrollable(session: GroupSession):
    return (
        queries.enrollable_episodes(session)
        .select_related("referral__client", "keyworker")
        .order_by("referral__client__initials", "pk")
    )


@clinical_required
def group_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A session: who is enrolled (with day-programme progress), the
    register, and enrolment. Queries: standing, session, enrolments,
    programme progress, enrollable episodes, interventions."""
    session = get_group_session_for_user(request.user, pk)
    return render(request, "keywork/groups/session.html", _session_context(request, session))


@clinical_required
@require_POST
def group_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_group_session_for_user(request.user, pk)
    pending = list(
        session.enrolments.filter(contact__isnull=True)
        .select_related("episode__referral__client")
        .order_by("episode__referral__client__initials", "pk")
    )
    form = RegisterForm(request.POST, enrolments=pending, minutes=session.duration_minutes)
    if form.is_valid():
        rows = [actions.RegisterRow(*values) for values in form.row_values()]
        try:
            contacts = actions.group_register_record(
                session=session,
                acting_user=request.user,
                rows=rows,
                interventions=form.cleaned_data["interventions"],
            )
        except actions.RegisterError as error:
            for enrolment_id, message in error.rows.items():
                form.add_error(f"att_{enrolment_id}", message)
            for message in error.general:
                form.add_error(None, message)
        else:
            attended = sum(1 for c in contacts if c.attendance == "attended")
            messages.success(request, f"Register saved: {attended} of {len(contacts)} attended.")
            return redirect("keywork:group_session", pk=session.pk)
    context = _session_context(request, session, register_form=form)
    return render(
        request, "keywork/groups/session.html", context, status=HTTPStatus.UNPROCESSABLE_ENTITY
    )


@clinical_required
@require_POST
def group_enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_group_session_for_user(request.user, pk)
    form = EnrolForm(request.POST, episodes=_enrollable(session))
    if form.is_valid():
        try:
            added = actions.group_enrol(
                session=session,
                acting_user=request.user,
                episode_ids=[e.pk for e in form.cleaned_data["episodes"]],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{added} enrolled.")
            return redirect("keywork:group_session", pk=session.pk)
    context = _session_context(request, session, enrol_form=form)
    return render(
        request, "keywork/groups/session.html", context, status=HTTPStatus.UNPROCESSABLE_ENTITY
    )


@clinical_required
@require_POST
def group_unenrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrolment = get_group_enrolment_for_user(request.user, pk)
    try:
        actions.group_unenrol(enrolment=enrolment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Removed from the session.")
    return redirect("keywork:group_session", pk=enrolment.session_id)
