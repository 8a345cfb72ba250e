"""Contacts and booked keywork appointments. Thin: fetch through
keywork.access, validate a form, call one action, render or redirect.

The contact logger is one view for the page and its HTMX fragment: the
caseload and the client record open it in place, a plain GET shows it as
a page. An invalid form comes back with status 422 and a message next to
each field at fault; a logged contact sends the `contactLogged` event so the
timeline reloads."""

import json
import re
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients.access import clinical_required
from clients.access_log import record_client_page
from keywork.access import (
    get_contact_for_user,
    get_episode_for_user,
    get_keywork_appointment_for_user,
)
from keywork.actions import contacts as actions
from keywork.forms.contacts import (
    AbsenceForm,
    AppointmentForm,
    ContactDeleteForm,
    ContactForm,
    ContactLogForm,
)
from keywork.history import contact_history, deleted_contacts
from keywork.models import Contact
from nectos.forms import add_action_errors, form_page
from nectos.params import id_param
from services.http import AuthenticatedHttpRequest
from submissions.actions import submit_once
from submissions.queries import earlier_submission

LOGGER = "keywork/contacts/_logger.html"
CONTACTS_PER_PAGE = 50
TARGET = re.compile(r"[a-z][a-z0-9-]{0,40}")


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "contact_date": data["contact_date"],
        "contact_type": data["contact_type"],
        "mode": data["mode"],
        "duration_minutes": data["duration_minutes"],
        "attendance": data["attendance"],
        "interventions": data["interventions"],
        "note": data["note"],
    }


def _target(request) -> str:
    """The id of the element the logger swaps into, when not its own."""
    target = request.GET.get("target", "")
    return target if TARGET.fullmatch(target) else ""


@clinical_required
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id)
    context = {"episode": episode, "target": _target(request)}
    # Even the closed logger names the client (its initials): recorded.
    record_client_page(request, episode.referral.client)
    if request.method == "GET" and request.GET.get("closed"):
        return render(request, f"{LOGGER}#closed", context | {"cancelled": True})
    # A malformed appointment id is a 404 before anything is recorded.
    appointment_id = id_param(request.POST, "appointment") or id_param(request.GET, "appointment")
    record_client_page(request, episode.referral.client)

    appointment = None
    if appointment_id:
        appointment = get_keywork_appointment_for_user(request.user, appointment_id)
        if appointment.episode_id != episode.pk:
            appointment = None
    initial = None
    if appointment is not None and request.method == "GET":
        initial = {
            "contact_date": min(
                appointment.appointment_date, episode.end_date or appointment.appointment_date
            ),
            "contact_type": appointment.contact_type,
            "mode": appointment.mode,
            "duration_minutes": 60,
            "attendance": "attended",
            "appointment": appointment.pk,
        }
    form = ContactLogForm(request.POST or None, episode=episode, initial=initial)
    context |= {"form": form, "appointment": appointment}
    template = f"{LOGGER}#open" if request.htmx else "keywork/contacts/new.html"
    if request.method == "GET":
        return render(request, template, context)
    # The same form sent again (a double click): answered as the first was.
    earlier = earlier_submission(request, "contact", Contact)
    if earlier is not None and earlier.episode_id == episode.pk:
        booked = form.cleaned_data.get("next_appointment_date") if form.is_valid() else None
        return _contact_logged(request, episode, earlier, booked)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contact = submit_once(
                acting_user=request.user,
                kind="contact",
                key=data.get("submission_key"),
                model=Contact,
                create=lambda: actions.contact_log(
                    episode=episode,
                    acting_user=request.user,
                    appointment=appointment,
                    next_appointment_date=data["next_appointment_date"],
                    next_appointment_time=data["next_appointment_time"],
                    **_fields(form),
                ),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _contact_logged(request, episode, contact, data["next_appointment_date"])
    return render(request, template, context, status=HTTPStatus.UNPROCESSABLE_ENTITY)


def _contact_logged(request, episode, contact, booked):
    if request.htmx:
        response = render(
            request,
            f"{LOGGER}#closed",
            {"episode": episode, "logged": contact, "booked": booked},
        )
        response["HX-Trigger"] = json.dumps({"contactLogged": {"episode": episode.pk}})
        return response
    messages.success(request, "Contact logged.")
    return redirect("keywork:episode_contacts", episode_id=episode.pk)


@clinical_required
def episode_contacts(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Every contact of an episode, newest first, a page at a time, with the
    contacts deleted from it. Queries: standing, episode, count, page of
    contacts, their interventions, deleted-contact events, their users."""
    episode = get_episode_for_user(request.user, episode_id)
    contacts = (
        Contact.objects.filter(episode=episode)
        .select_related("recorded_by")
        .prefetch_related("interventions")
    )
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"episode": episode, "page": page, "deleted": deleted_contacts(episode)}
    # Every page of the list carries contact notes: each request is recorded,
    # whatever its headers (HX-Request can be sent by anyone).
    record_client_page(request, episode.referral.client)
    if request.htmx and request.GET.get("fragment") == "list":
        return render(request, "keywork/contacts/episode_contacts.html#list", context)
    return render(request, "keywork/contacts/episode_contacts.html", context)


@clinical_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A contact and its history. Queries: standing, contact (with its
    episode, client, service), interventions, the appointment it resolved,
    then the four history queries."""
    contact = get_contact_for_user(request.user, pk)
    record_client_page(request, contact.episode.referral.client)
    context = {
        "contact": contact,
        "episode": contact.episode,
        "interventions": list(contact.interventions.all()),
        "history": contact_history(contact),
    }
    return render(request, "keywork/contacts/detail.html", context)


@clinical_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk)
    record_client_page(request, contact.episode.referral.client)
    initial = {
        "contact_date": contact.contact_date,
        "contact_type": contact.contact_type,
        "mode": contact.mode,
        "duration_minutes": contact.duration_minutes,
        "attendance": contact.attendance,
        "interventions": list(contact.interventions.values_list("code", flat=True)),
        "note": contact.note,
    }
    form = ContactForm(request.POST or None, episode=contact.episode, initial=initial)
    context = {"contact": contact, "episode": contact.episode, "form": form}

    def done(_contact: object) -> HttpResponse:
        messages.success(request, "Contact corrected. The earlier version is in its history.")
        return redirect("keywork:contact_detail", pk=contact.pk)

    return form_page(
        request,
        form,
        "keywork/contacts/edit.html",
        context,
        action=lambda _data: actions.contact_update(
            contact=contact, acting_user=request.user, **_fields(form)
        ),
        done=done,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk)
    record_client_page(request, contact.episode.referral.client)
    form = ContactDeleteForm(request.POST or None)
    context = {"contact": contact, "episode": contact.episode, "form": form}

    def done(_none: object) -> HttpResponse:
        messages.success(request, "Contact deleted. The deletion is kept in the history.")
        return redirect("keywork:episode_contacts", episode_id=contact.episode_id)

    return form_page(
        request,
        form,
        "keywork/contacts/delete.html",
        context,
        action=lambda data: actions.contact_delete(
            contact=contact, acting_user=request.user, reason=data["reason"]
        ),
        done=done,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id)
    record_client_page(request, episode.referral.client)
    form = AppointmentForm(request.POST or None)
    context = {"episode": episode, "form": form}

    def done(_appointment: object) -> HttpResponse:
        messages.success(request, "Appointment booked.")
        return redirect("keywork:week")

    return form_page(
        request,
        form,
        "keywork/contacts/appointment_form.html",
        context,
        action=lambda data: actions.appointment_book(
            episode=episode, acting_user=request.user, **data
        ),
        done=done,
    )


@clinical_required
@require_POST
def appointment_absence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Resolve a booked appointment as a DNA or a cancellation, from My week."""
    appointment = get_keywork_appointment_for_user(request.user, pk)
    record_client_page(request, appointment.episode.referral.client)
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose what happened.", status=HTTPStatus.UNPROCESSABLE_ENTITY)
    try:
        actions.appointment_record_absence(
            appointment=appointment,
            acting_user=request.user,
            attendance=form.cleaned_data["attendance"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("keywork:week")
    messages.success(request, "Outcome recorded.")
    return redirect("keywork:week")


@clinical_required
@require_POST
def appointment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_keywork_appointment_for_user(request.user, pk)
    record_client_page(request, appointment.episode.referral.client)
    try:
        actions.appointment_delete(appointment=appointment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Booking removed.")
    return redirect(reverse("keywork:week"))
