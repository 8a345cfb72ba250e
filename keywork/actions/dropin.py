"""Writes for Tier 2 open-access drop-in sessions: named attendances of
clients of the service, and a count of people who gave no name."""

import datetime as dt

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from clients.access import works_in
from clients.models import Client
from keywork.models import DropInAttendance, DropInSession
from nectos import clock
from services.models import Service, User


def drop_in_session_create(
    *,
    service: Service,
    acting_user: User,
    session_date: dt.date,
    label: str = "",
    anonymous_count: int = 0,
) -> DropInSession:
    errors = {}
    if anonymous_count < 0:
        errors["anonymous_count"] = "The count cannot be negative."
    if not works_in(acting_user, service):
        errors["service"] = "You can only run drop-in sessions for a service you work in."
    elif not service.open_access_drop_in:
        errors["service"] = "This service does not run an open-access drop-in."
    if session_date > clock.today():
        errors["session_date"] = "Record a drop-in session on the day or afterwards."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        return DropInSession.objects.create(
            service=service,
            session_date=session_date,
            label=label.strip(),
            anonymous_count=anonymous_count,
            created_by=acting_user,
        )


def drop_in_attendance_add(
    *, session: DropInSession, acting_user: User, client: Client
) -> DropInAttendance:
    """Record a named client of the service as having come."""
    if not client.referrals.filter(service_id=session.service_id).exists():
        raise ValidationError({"client": "Only clients referred to this service can be named."})
    if session.attendances.filter(client=client).exists():
        raise ValidationError({"client": "This client is already recorded at this session."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        return DropInAttendance.objects.create(
            session=session, client=client, recorded_by=acting_user
        )


def drop_in_attendance_remove(*, attendance: DropInAttendance, acting_user: User) -> None:
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        attendance.delete()


def drop_in_anonymous_add(*, session: DropInSession, acting_user: User, delta: int) -> int:
    """Count people who came without giving a name (delta may be -1 to
    correct a slip); never below zero. Atomic in the database, so two people
    counting at the door do not lose a visitor. Returns the new count."""
    if delta not in (-1, 1):
        raise ValidationError({"delta": "Count visitors one at a time."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        DropInSession.objects.filter(pk=session.pk).update(
            anonymous_count=Greatest(F("anonymous_count") + delta, 0)
        )
        session.refresh_from_db(fields=["anonymous_count"])
    return session.anonymous_count


def drop_in_anonymous_set(*, session: DropInSession, acting_user: User, count: int) -> None:
    """Correct the anonymous count outright (entered after the session)."""
    if count < 0:
        raise ValidationError({"anonymous_count": "The count cannot be negative."})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        session.anonymous_count = count
        session.save(update_fields=["anonymous_count"])
