"""Tier 2 open-access drop-in: sessions, named attendances of clients of
the service, and a count of people who gave no name."""

import uuid
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients.access import clinical_required, get_client_for_user
from clients.forms import SearchForm
from clients.models import Referral
from clients.queries import search_clients
from keywork.access import get_drop_in_attendance_for_user, get_drop_in_session_for_user
from keywork.actions import dropin as actions
from keywork.forms.dropin import AnonymousCountForm, DropInSessionForm
from keywork.models import DropInSession
from nectos.forms import add_action_errors
from services.http import AuthenticatedHttpRequest

SESSIONS_PER_PAGE = 30
COUNTER = "keywork/dropin/session.html#counter"


@clinical_required
@require_http_methods(["GET", "POST"])
def drop_in_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sessions of the user's services, newest first, and a form for a new
    one. Queries: standing, count, page of sessions with named counts,
    services for the form."""
    form = DropInSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.drop_in_session_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Drop-in session recorded.")
            return redirect("keywork:drop_in_session", pk=session.pk)
    sessions = (
        DropInSession.objects.visible_to(request.user)
        .select_related("service")
        .annotate(named=Count("attendances"))
        .order_by("-session_date", "-pk")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    return render(
        request, "keywork/dropin/sessions.html", {"form": form, "page": page}, status=status
    )


def _session_context(session: DropInSession, **extra) -> dict:
    attendances = list(session.attendances.select_related("client", "recorded_by").order_by("pk"))
    return {
        "session": session,
        "attendances": attendances,
        "total": len(attendances) + session.anonymous_count,
        "named": {a.client_id for a in attendances},
        "count_form": extra.pop("count_form", None)
        or AnonymousCountForm(initial={"anonymous_count": session.anonymous_count}),
        "search_form": extra.pop("search_form", None) or SearchForm(),
        **extra,
    }


@clinical_required
def drop_in_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queries: standing, session, its named attendances."""
    session = get_drop_in_session_for_user(request.user, pk)
    return render(request, "keywork/dropin/session.html", _session_context(session))


@clinical_required
@require_POST
def drop_in_count(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """+1 / -1 at the door (HTMX swaps the counter), or set the count."""
    session = get_drop_in_session_for_user(request.user, pk)
    if "delta" in request.POST:
        try:
            delta = int(request.POST["delta"])
            actions.drop_in_anonymous_add(session=session, acting_user=request.user, delta=delta)
        except (ValueError, ValidationError):
            return render(
                request, COUNTER, _session_context(session), status=HTTPStatus.UNPROCESSABLE_ENTITY
            )
        if request.htmx:
            return render(request, COUNTER, _session_context(session, counted=delta))
        return redirect("keywork:drop_in_session", pk=session.pk)
    form = AnonymousCountForm(request.POST)
    if form.is_valid():
        actions.drop_in_anonymous_set(
            session=session, acting_user=request.user, count=form.cleaned_data["anonymous_count"]
        )
        messages.success(request, "Anonymous count saved.")
        return redirect("keywork:drop_in_session", pk=session.pk)
    context = _session_context(session, count_form=form)
    return render(
        request, "keywork/dropin/session.html", context, status=HTTPStatus.UNPROCESSABLE_ENTITY
    )


@clinical_required
@require_POST
def drop_in_find(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find a client of the session's service to name. The search terms
    travel in the POST body, never the URL."""
    session = get_drop_in_session_for_user(request.user, pk)
    form = SearchForm(request.POST)
    results, more = [], False
    status = 200
    if form.is_valid():
        found = search_clients(request.user, form.cleaned_data["q"])
        of_service = set(
            Referral.objects.filter(
                service=session.service, client__in=[c.pk for c in found.clients]
            ).values_list("client_id", flat=True)
        )
        results = [c for c in found.clients if c.pk in of_service]
        more = found.more
    else:
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    context = _session_context(session, search_form=form, results=results, more=more, searched=True)
    return render(request, "keywork/dropin/session.html", context, status=status)


@clinical_required
@require_POST
def drop_in_attend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_drop_in_session_for_user(request.user, pk)
    try:
        key = uuid.UUID(request.POST.get("client", ""))
    except ValueError:
        # No client chosen (a bare POST): say so, as for any bad input.
        messages.error(request, "Choose a client from the search results.")
        return redirect("keywork:drop_in_session", pk=session.pk)
    client = get_client_for_user(request.user, key)
    try:
        actions.drop_in_attendance_add(session=session, acting_user=request.user, client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{client.initials} recorded as attending.")
    return redirect("keywork:drop_in_session", pk=session.pk)


@clinical_required
@require_POST
def drop_in_attendance_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attendance = get_drop_in_attendance_for_user(request.user, pk)
    actions.drop_in_attendance_remove(attendance=attendance, acting_user=request.user)
    messages.success(request, "Attendance removed.")
    return redirect("keywork:drop_in_session", pk=attendance.session_id)
