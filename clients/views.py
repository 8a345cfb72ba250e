"""Referrals, assessment appointments and client search. Thin: fetch through
clients.access, validate a form, call one action, render or redirect.

An invalid form is shown again with status 422 and a message next to each
field at fault."""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import actions
from clients.access import (
    clinical_required,
    get_appointment_for_user,
    get_client_for_user,
    get_referral_for_user,
)
from clients.access_log import record_client_page
from clients.forms import AppointmentForm, AttendanceForm, ReferralForm, SearchForm
from clients.models import Attendance, Referral
from clients.queries import search_clients
from nectos import clock
from services.http import AuthenticatedHttpRequest
from submissions.actions import submit_once
from submissions.queries import earlier_submission


def _invalid(request, template: str, context: dict):
    return render(request, template, context, status=HTTPStatus.UNPROCESSABLE_ENTITY)


@clinical_required
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a referral. With ?client=<key> it re-engages a known client
    (the opaque key, never an identifier)."""
    client = None
    if request.GET.get("client"):
        client = get_client_for_user(request.user, request.GET["client"])
        # The form shows the client's initials, preferred name and reference.
        record_client_page(request, client)
    form = ReferralForm(request.POST or None, user=request.user, client=client)
    context = {"form": form, "client": client}
    # The same form sent again (a double click): answered as the first was.
    earlier = request.method == "POST" and earlier_submission(request, "referral", Referral)
    if earlier:
        messages.success(request, "Referral registered.")
        return redirect("keywork:record", key=earlier.client.key)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            returning = client or form.chosen_client
            new_client = None
            if returning is None:
                new_client = actions.NewClient(
                    initials=data["initials"],
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"],
                    ethnicity=data["ethnicity"],
                    preferred_name=data["preferred_name"],
                    consent_national_reporting=data["consent_national_reporting"],
                )
            try:
                referral = submit_once(
                    acting_user=request.user,
                    kind="referral",
                    key=data.get("submission_key"),
                    model=Referral,
                    create=lambda: actions.referral_register(
                        acting_user=request.user,
                        service=data["service"],
                        referral_date=data["referral_date"],
                        source=data["source"],
                        primary_substance=data["primary_substance"],
                        reason=data["reason"],
                        client=returning,
                        new_client=new_client,
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    "Referral registered for a returning client. Their earlier history is kept."
                    if returning
                    else "Referral registered.",
                )
                return redirect("keywork:record", key=referral.client.key)
        return _invalid(request, "clients/referral_form.html", context)
    return render(request, "clients/referral_form.html", context)


@clinical_required
@require_POST
def referral_matches(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HTMX: known clients with the initials, date of birth and sex typed so
    far. The details travel in the POST body, never the URL."""
    form = ReferralForm(request.POST, user=request.user)
    form.is_valid()  # clean() looks the matches up once the three fields parse
    return render(request, "clients/referral_form.html#matches", {"form": form, "live": True})


@clinical_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    record_client_page(request, referral.client)
    form = AppointmentForm(request.POST or None, referral=referral)
    context = {"form": form, "referral": referral, "client": referral.client}
    if request.method == "POST":
        if form.is_valid():
            try:
                appointment = actions.appointment_book(
                    referral=referral,
                    offered_date=form.cleaned_data["offered_date"],
                    appointment_date=form.cleaned_data["appointment_date"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Assessment booked for {appointment.appointment_date:%d %b %Y}."
                )
                return redirect("keywork:record", key=referral.client.key)
        return _invalid(request, "clients/appointment_form.html", context)
    return render(request, "clients/appointment_form.html", context)


@clinical_required
@require_http_methods(["GET", "POST"])
def appointment_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record what happened at an assessment. In place (HTMX) from the client
    record or the waiting list; a whole page without JavaScript."""
    appointment = get_appointment_for_user(request.user, pk)
    record_client_page(request, appointment.referral.client)
    form = AttendanceForm(request.POST or None, appointment=appointment)
    template = (
        "clients/_appointment.html#appointment"
        if request.htmx
        else "clients/appointment_attendance.html"
    )
    # It is the booked one, so the latest: offer a rebooking after a DNA.
    appointment.is_latest = True  # type: ignore[attr-defined]
    context = {
        "form": form,
        "appointment": appointment,
        "client": appointment.referral.client,
        "today": clock.today(),
        "attendance_choices": Attendance.choices,
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                appointment = actions.appointment_record_attendance(
                    appointment=appointment, attendance=form.cleaned_data["attendance"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.htmx:
                    appointment.is_latest = True  # type: ignore[attr-defined]
                    context.update(
                        appointment=appointment,
                        form=AttendanceForm(appointment=appointment),
                        just_recorded=True,
                    )
                    return render(request, template, context)
                messages.success(request, f"Recorded: {appointment.get_attendance_display()}.")
                return redirect("keywork:record", key=appointment.referral.client.key)
        return _invalid(request, template, context)
    return render(request, template, context)


@clinical_required
@require_http_methods(["GET", "POST"])
def client_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search terms go in the POST body so they never reach a URL or an
    access log."""
    form = SearchForm(request.POST or None)
    context: dict = {"form": form, "result": None}
    if request.method == "POST":
        if not form.is_valid():
            template = "clients/search.html#results" if request.htmx else "clients/search.html"
            return _invalid(request, template, context)
        context["result"] = search_clients(request.user, form.cleaned_data["q"])
    template = "clients/search.html#results" if request.htmx else "clients/search.html"
    return render(request, template, context)
