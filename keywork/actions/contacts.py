"""Writes for contacts and the keywork appointments booked with them.

Each action is keyword-only, runs in one transaction inside a pghistory
context naming who did it (so the history says who changed what even
outside a web request), and checks every rule again whatever the form did:
a ValidationError maps field names to messages the form shows in place."""

import datetime as dt
from collections.abc import Iterable

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from clients.access import works_in
from clients.models import Attendance
from keywork.models import (
    Contact,
    ContactIntervention,
    ContactType,
    Episode,
    Intervention,
    KeyworkAppointment,
    Mode,
)
from nectos import clock
from services.models import User

MAX_MINUTES = 720


def contact_rule_errors(
    *,
    episode: Episode,
    contact_date: dt.date,
    contact_type: str,
    attendance: str,
    duration_minutes: int | None,
    interventions: Iterable[str],
    today: dt.date,
) -> dict[str, str]:
    """Every contact rule, as {field: message}; empty when the contact is fine."""
    errors: dict[str, str] = {}
    if contact_date > today:
        errors["contact_date"] = "A contact cannot be dated after today."
    elif contact_date < episode.start_date:
        errors["contact_date"] = (
            f"A contact cannot be before the episode started ({episode.start_date:%d %b %Y})."
        )
    elif episode.end_date and contact_date > episode.end_date:
        errors["contact_date"] = (
            f"A contact cannot be after the episode ended ({episode.end_date:%d %b %Y})."
        )
    if contact_type not in ContactType.values:
        errors["contact_type"] = "Choose a contact type from the list."
    if attendance not in Attendance.values:
        errors["attendance"] = "Choose an attendance from the list."
    if attendance == Attendance.ATTENDED:
        if duration_minutes is None:
            errors["duration_minutes"] = "Give the length of an attended contact in minutes."
        elif not 1 <= duration_minutes <= MAX_MINUTES:
            errors["duration_minutes"] = f"The length must be from 1 to {MAX_MINUTES} minutes."
        if contact_type == ContactType.KEYWORK and not list(interventions):
            errors["interventions"] = (
                "Tick at least one intervention for an attended keywork contact."
            )
    elif duration_minutes is not None:
        errors["duration_minutes"] = "Leave the length empty when the client did not attend."
    return errors


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def appointment_rule_errors(
    *, episode: Episode, appointment_date: dt.date, staff: User, today: dt.date, field: str
) -> dict[str, str]:
    if not episode.is_open:
        return {field: "The episode has ended: book no more appointments on it."}
    if appointment_date < today:
        return {field: "An appointment cannot be booked in the past."}
    if not works_in(staff, episode.referral.service):
        return {"staff": "Book the appointment with someone who works in the service."}
    return {}


def _set_interventions(contact: Contact, codes: set[str], *, new: bool = False) -> None:
    current = set() if new else set(contact.interventions.values_list("code", flat=True))
    removed = current - codes
    if removed:
        ContactIntervention.objects.filter(contact=contact, intervention_id__in=removed).delete()
    added = codes - current
    if added:
        unknown = added - set(
            Intervention.objects.filter(code__in=added).values_list("code", flat=True)
        )
        if unknown:
            raise ValidationError({"interventions": "Choose interventions from the list."})
        ContactIntervention.objects.bulk_create(
            [ContactIntervention(contact=contact, intervention_id=code) for code in sorted(added)]
        )


def contact_log(
    *,
    episode: Episode,
    acting_user: User,
    contact_date: dt.date,
    contact_type: str = ContactType.KEYWORK,
    mode: str = Mode.IN_PERSON,
    duration_minutes: int | None = 60,
    attendance: str = Attendance.ATTENDED,
    interventions: Iterable[str] = (),
    note: str = "",
    appointment: KeyworkAppointment | None = None,
    next_appointment_date: dt.date | None = None,
    next_appointment_time: dt.time | None = None,
) -> Contact:
    """Record a contact; optionally resolve the appointment it was for and
    book the next one, all or nothing."""
    codes = set(interventions)
    today = clock.today()
    errors = contact_rule_errors(
        episode=episode,
        contact_date=contact_date,
        contact_type=contact_type,
        attendance=attendance,
        duration_minutes=duration_minutes,
        interventions=codes,
        today=today,
    )
    if appointment is not None and (
        appointment.episode_id != episode.pk or not appointment.is_booked
    ):
        errors["appointment"] = "That appointment is not waiting for an outcome."
    if next_appointment_date is not None:
        errors |= appointment_rule_errors(
            episode=episode,
            appointment_date=next_appointment_date,
            staff=episode.keyworker,
            today=today,
            field="next_appointment_date",
        )
    _raise_if(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        contact = Contact.objects.create(
            episode=episode,
            contact_date=contact_date,
            contact_type=contact_type,
            mode=mode,
            duration_minutes=duration_minutes,
            attendance=attendance,
            note=note,
            recorded_by=acting_user,
        )
        _set_interventions(contact, codes, new=True)
        if appointment is not None:
            # Guard against two people resolving the same appointment at once.
            updated = KeyworkAppointment.objects.filter(
                pk=appointment.pk, contact__isnull=True
            ).update(contact=contact)
            if not updated:
                raise ValidationError({"appointment": "Someone has just resolved it."})
            appointment.contact = contact
        if next_appointment_date is not None:
            KeyworkAppointment.objects.create(
                episode=episode,
                appointment_date=next_appointment_date,
                appointment_time=next_appointment_time,
                contact_type=ContactType.KEYWORK,
                mode=mode,
                staff=episode.keyworker,
                booked_by=acting_user,
            )
    return contact


def contact_update(
    *,
    contact: Contact,
    acting_user: User,
    contact_date: dt.date,
    contact_type: str,
    mode: str,
    duration_minutes: int | None,
    attendance: str,
    interventions: Iterable[str],
    note: str,
) -> Contact:
    """Correct a contact. The old values stay in its history."""
    codes = set(interventions)
    _raise_if(
        contact_rule_errors(
            episode=contact.episode,
            contact_date=contact_date,
            contact_type=contact_type,
            attendance=attendance,
            duration_minutes=duration_minutes,
            interventions=codes,
            today=clock.today(),
        )
    )
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        contact.contact_date = contact_date
        contact.contact_type = contact_type
        contact.mode = mode
        contact.duration_minutes = duration_minutes
        contact.attendance = attendance
        contact.note = note
        contact.save(
            update_fields=[
                "contact_date",
                "contact_type",
                "mode",
                "duration_minutes",
                "attendance",
                "note",
            ]
        )
        _set_interventions(contact, codes)
    return contact


def contact_delete(*, contact: Contact, acting_user: User, reason: str) -> None:
    """Delete a contact logged in error. Its history (and the reason) stays."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the contact is being deleted."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
        contact.delete()


def appointment_book(
    *,
    episode: Episode,
    acting_user: User,
    appointment_date: dt.date,
    appointment_time: dt.time | None = None,
    contact_type: str = ContactType.KEYWORK,
    mode: str = Mode.IN_PERSON,
    staff: User | None = None,
) -> KeyworkAppointment:
    staff = staff or episode.keyworker
    _raise_if(
        appointment_rule_errors(
            episode=episode,
            appointment_date=appointment_date,
            staff=staff,
            today=clock.today(),
            field="appointment_date",
        )
    )
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        return KeyworkAppointment.objects.create(
            episode=episode,
            appointment_date=appointment_date,
            appointment_time=appointment_time,
            contact_type=contact_type,
            mode=mode,
            staff=staff,
            booked_by=acting_user,
        )


def appointment_record_absence(
    *, appointment: KeyworkAppointment, acting_user: User, attendance: str
) -> Contact:
    """Resolve a booked appointment the client did not attend: a DNA or a
    cancellation is a contact with that attendance and no length."""
    if attendance == Attendance.ATTENDED or attendance not in Attendance.values:
        raise ValidationError({"attendance": "Record an attended appointment as a contact."})
    return contact_log(
        episode=appointment.episode,
        acting_user=acting_user,
        contact_date=appointment.appointment_date,
        contact_type=appointment.contact_type,
        mode=appointment.mode,
        duration_minutes=None,
        attendance=attendance,
        appointment=appointment,
    )


def appointment_delete(*, appointment: KeyworkAppointment, acting_user: User) -> None:
    """Remove a booking made in error. A resolved one stays with its contact."""
    if not appointment.is_booked:
        raise ValidationError({"appointment": "This appointment already has an outcome."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        appointment.delete()
