"""Writes on the client floor: registering referrals, booking assessments and
recording what happened at them. Keyword-only, one transaction each; they
check the rules again whatever the form did, so nothing is half-saved."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from clients.access import works_in
from clients.models import (
    Appointment,
    Attendance,
    Client,
    EthnicCategory,
    Referral,
    ReferralSource,
    Sex,
    Substance,
)
from clients.queries import normalise_initials, open_episode_exists
from nectos import clock
from services.models import Service, User

EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class NewClient:
    initials: str
    date_of_birth: dt.date
    sex: Sex
    ethnicity: EthnicCategory
    preferred_name: str = ""
    consent_national_reporting: bool = False


def _not_in_future(day: dt.date, field: str, what: str) -> None:
    if day > clock.today():
        raise ValidationError({field: f"The {what} cannot be after today."})


@transaction.atomic
def referral_register(
    *,
    acting_user: User,
    service: Service,
    referral_date: dt.date,
    source: ReferralSource,
    primary_substance: Substance,
    reason: str = "",
    client: Client | None = None,
    new_client: NewClient | None = None,
) -> Referral:
    """Register a referral for a returning `client` or a `new_client`."""
    if (client is None) == (new_client is None):
        raise ValueError("Give exactly one of client and new_client")
    if not works_in(acting_user, service):
        raise ValidationError({"service": "You can only refer to a service you work in."})
    _not_in_future(referral_date, "referral_date", "referral date")
    if new_client is not None:
        initials = normalise_initials(new_client.initials)
        if not 1 <= len(initials) <= 4:
            raise ValidationError({"initials": "Give one to four initials, letters only."})
        _not_in_future(new_client.date_of_birth, "date_of_birth", "date of birth")
        if new_client.date_of_birth < EARLIEST_BIRTH:
            raise ValidationError({"date_of_birth": "Check the year of birth."})
        date_of_birth = new_client.date_of_birth
    else:
        assert client is not None
        date_of_birth = client.date_of_birth
    if referral_date < date_of_birth:
        raise ValidationError(
            {"referral_date": "The referral date cannot be before the client's date of birth."}
        )
    if client is not None:
        # Lock the client so two keyworkers re-referring at once cannot both
        # pass the open-episode check.
        client = Client.objects.select_for_update().get(pk=client.pk)
        if open_episode_exists(client, service):
            raise ValidationError(
                {"service": "This client is already in treatment at this service."}
            )
    else:
        assert new_client is not None
        client = Client.objects.create(
            initials=initials,
            date_of_birth=date_of_birth,
            sex=new_client.sex,
            ethnicity=new_client.ethnicity,
            preferred_name=new_client.preferred_name.strip(),
            consent_national_reporting=new_client.consent_national_reporting,
        )
    return Referral.objects.create(
        client=client,
        service=service,
        referral_date=referral_date,
        source=source,
        primary_substance=primary_substance,
        reason=reason.strip(),
    )


@transaction.atomic
def appointment_book(
    *, referral: Referral, offered_date: dt.date, appointment_date: dt.date
) -> Appointment:
    """Offer an assessment appointment. One booked appointment at a time: a
    past one must have its outcome recorded before another is offered."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if hasattr(referral, "episode"):
        raise ValidationError("Treatment has started from this referral: no assessment to book.")
    if referral.appointments.filter(attendance="").exists():
        raise ValidationError(
            "This referral already has a booked appointment. Record what happened "
            "at it (or cancel it) before booking another."
        )
    _not_in_future(offered_date, "offered_date", "date the appointment was offered")
    if offered_date < referral.referral_date:
        raise ValidationError(
            {"offered_date": "An appointment cannot be offered before the referral date."}
        )
    if appointment_date < offered_date:
        raise ValidationError(
            {"appointment_date": "The appointment cannot be before the day it was offered."}
        )
    return Appointment.objects.create(
        referral=referral, offered_date=offered_date, appointment_date=appointment_date
    )


@transaction.atomic
def appointment_record_attendance(*, appointment: Appointment, attendance: str) -> Appointment:
    """Record what happened. Nothing here ever sets a DNA on its own: an
    appointment stays unresolved until a person records its outcome."""
    appointment = (
        Appointment.objects.select_for_update().select_related("referral").get(pk=appointment.pk)
    )
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose what happened."})
    if hasattr(appointment.referral, "episode"):
        raise ValidationError(
            {"attendance": "Treatment has started from this referral: the assessment is settled."}
        )
    if attendance in (Attendance.ATTENDED, Attendance.DNA) and (
        appointment.appointment_date > clock.today()
    ):
        raise ValidationError(
            {
                "attendance": "This appointment is in the future: it can be cancelled now, "
                "but attendance is recorded on or after the day."
            }
        )
    appointment.attendance = attendance
    appointment.save(update_fields=["attendance"])
    return appointment
