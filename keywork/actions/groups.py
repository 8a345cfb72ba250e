"""Writes for group sessions and the structured day programme: sessions,
enrolment, and the register that records everyone's attendance at once."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from clients.access import works_in
from keywork.actions.contacts import MAX_MINUTES, contact_rule_errors
from keywork.models import (
    GROUP_KINDS,
    Contact,
    ContactIntervention,
    GroupEnrolment,
    GroupSession,
    Intervention,
    Mode,
)
from keywork.queries import in_treatment_on
from nectos import clock
from services.models import Service, User


def _session_errors(
    *,
    service: Service,
    acting_user: User,
    title: str,
    kind: str,
    facilitator: User,
    duration_minutes: int,
) -> dict[str, str]:
    errors = {}
    if not works_in(acting_user, service):
        errors["service"] = "You can only run sessions for a service you work in."
    if not title.strip():
        errors["title"] = "Give the session a title."
    if kind not in dict(GROUP_KINDS):
        errors["kind"] = "Choose group or day programme."
    if not works_in(facilitator, service):
        errors["facilitator"] = "The facilitator must work in the service."
    if not 1 <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = f"The length must be from 1 to {MAX_MINUTES} minutes."
    return errors


def group_session_create(
    *,
    service: Service,
    acting_user: User,
    session_date: dt.date,
    title: str,
    kind: str,
    facilitator: User,
    duration_minutes: int = 90,
    copy_enrolment: bool = True,
) -> GroupSession:
    """Create a session. With copy_enrolment, the people enrolled in the last
    session of the same title are enrolled again if still in treatment, so a
    weekly group or the day programme does not start from nothing."""
    errors = _session_errors(
        service=service,
        acting_user=acting_user,
        title=title,
        kind=kind,
        facilitator=facilitator,
        duration_minutes=duration_minutes,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        session = GroupSession.objects.create(
            service=service,
            session_date=session_date,
            title=title.strip(),
            kind=kind,
            facilitator=facilitator,
            duration_minutes=duration_minutes,
            created_by=acting_user,
        )
        if copy_enrolment:
            previous = (
                GroupSession.objects.filter(service=service, title__iexact=session.title, kind=kind)
                .exclude(pk=session.pk)
                .filter(session_date__lte=session_date)
                .order_by("-session_date", "-pk")
                .first()
            )
            if previous is not None:
                episodes = in_treatment_on(service, session_date).filter(
                    group_enrolments__session=previous
                )
                GroupEnrolment.objects.bulk_create(
                    [GroupEnrolment(session=session, episode=e) for e in episodes]
                )
    return session


def group_enrol(*, session: GroupSession, acting_user: User, episode_ids: Iterable[int]) -> int:
    """Enrol episodes of the session's service; returns how many were added."""
    wanted = set(episode_ids)
    eligible = set(
        in_treatment_on(session.service, session.session_date)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - eligible:
        raise ValidationError(
            {"episodes": "Enrol only clients of this service in treatment on the session date."}
        )
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        already = set(session.enrolments.values_list("episode_id", flat=True))
        new = [GroupEnrolment(session=session, episode_id=pk) for pk in sorted(eligible - already)]
        GroupEnrolment.objects.bulk_create(new)
    return len(new)


def group_unenrol(*, enrolment: GroupEnrolment, acting_user: User) -> None:
    if enrolment.contact_id is not None:
        raise ValidationError(
            {"enrolment": "Attendance is already recorded: correct the contact instead."}
        )
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        enrolment.delete()


@dataclass(frozen=True)
class RegisterRow:
    enrolment_id: int
    attendance: str
    duration_minutes: int | None


class RegisterError(Exception):
    """The register was refused. `rows` maps enrolment ids to a message;
    `general` holds messages about the whole register."""

    def __init__(self, rows: dict[int, str], general: list[str]):
        super().__init__("The register has errors")
        self.rows = rows
        self.general = general


def group_register_record(
    *,
    session: GroupSession,
    acting_user: User,
    rows: Sequence[RegisterRow],
    interventions: Iterable[str] = (),
    mode: str = Mode.IN_PERSON,
) -> list[Contact]:
    """Record attendance for every enrolled person still to be registered,
    creating one contact each, in one transaction: one bad row and nothing
    is saved."""
    today = clock.today()
    codes = set(interventions)
    general: list[str] = []
    row_errors: dict[int, str] = {}
    if session.session_date > today:
        general.append("The register can be taken on or after the session date.")
    if codes and Intervention.objects.filter(code__in=codes).count() != len(codes):
        general.append("Choose interventions from the list.")
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        # Locked, so two people taking the same register cannot both save it.
        pending = {
            e.pk: e
            for e in GroupEnrolment.objects.select_for_update(of=("self",))
            .filter(session=session, contact__isnull=True)
            .select_related("episode")
        }
        given = {row.enrolment_id for row in rows}
        if not pending:
            general.append("Everyone's attendance is already recorded.")
        elif given != set(pending):
            general.append("The register changed while you were filling it in: reload it.")
        for row in rows:
            enrolment = pending.get(row.enrolment_id)
            if enrolment is None:
                continue
            errors = contact_rule_errors(
                episode=enrolment.episode,
                contact_date=session.session_date,
                contact_type=session.kind,
                attendance=row.attendance,
                duration_minutes=row.duration_minutes,
                interventions=codes,
                today=today,
            )
            if session.session_date > today:
                errors.pop("contact_date", None)  # said once, for the whole register
            if errors:
                row_errors[row.enrolment_id] = " ".join(errors.values())
        if general or row_errors:
            raise RegisterError(row_errors, general)
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    episode=pending[row.enrolment_id].episode,
                    contact_date=session.session_date,
                    contact_type=session.kind,
                    mode=mode,
                    duration_minutes=row.duration_minutes,
                    attendance=row.attendance,
                    recorded_by=acting_user,
                )
                for row in rows
            ]
        )
        ContactIntervention.objects.bulk_create(
            [
                ContactIntervention(contact=contact, intervention_id=code)
                for contact, row in zip(contacts, rows, strict=True)
                if row.attendance == "attended"
                for code in sorted(codes)
            ]
        )
        enrolments = []
        for contact, row in zip(contacts, rows, strict=True):
            enrolment = pending[row.enrolment_id]
            enrolment.contact = contact
            enrolments.append(enrolment)
        GroupEnrolment.objects.bulk_update(enrolments, ["contact"])
        session.register_taken_at = clock.now()
        session.register_taken_by = acting_user
        session.save(update_fields=["register_taken_at", "register_taken_by"])
    return contacts
