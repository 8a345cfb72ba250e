"""The one place keywork records are fetched for a user: scoped in the query,
404 alike for "not yours" and "does not exist"."""

from django.http import Http404

from keywork.models import (
    Contact,
    DropInAttendance,
    DropInSession,
    Episode,
    Goal,
    GroupEnrolment,
    GroupSession,
    KeyworkAppointment,
)
from services.models import Service

_EPISODE_RELATED = (
    "referral__client",
    "referral__service",
    "keyworker",
    "discharge_reason",
)


def get_episode_for_user(user, pk: int) -> Episode:
    try:
        return Episode.objects.visible_to(user).select_related(*_EPISODE_RELATED).get(pk=pk)
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc


def get_managed_episode_for_user(user, pk: int) -> Episode:
    """Episodes of services the user manages: allocation is a manager's job."""
    try:
        return (
            Episode.objects.filter(referral__service__in=Service.objects.managed_ids(user))
            .select_related(*_EPISODE_RELATED)
            .get(pk=pk)
        )
    except Episode.DoesNotExist as exc:
        raise Http404("No such episode") from exc


# --- Contacts, appointments, care plans, groups and drop-in ---


def _get(queryset, pk: int, what: str):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No such {what}") from exc


def get_contact_for_user(user, pk: int) -> Contact:
    return _get(
        Contact.objects.visible_to(user).select_related(
            *(f"episode__{name}" for name in _EPISODE_RELATED), "recorded_by"
        ),
        pk,
        "contact",
    )


def get_keywork_appointment_for_user(user, pk: int) -> KeyworkAppointment:
    return _get(
        KeyworkAppointment.objects.visible_to(user).select_related(
            *(f"episode__{name}" for name in _EPISODE_RELATED), "staff"
        ),
        pk,
        "appointment",
    )


def get_goal_for_user(user, pk: int) -> Goal:
    return _get(
        Goal.objects.visible_to(user).select_related(
            *(f"care_plan__episode__{name}" for name in _EPISODE_RELATED)
        ),
        pk,
        "goal",
    )


def get_group_session_for_user(user, pk: int) -> GroupSession:
    return _get(
        GroupSession.objects.visible_to(user).select_related("service", "facilitator"),
        pk,
        "session",
    )


def get_group_enrolment_for_user(user, pk: int) -> GroupEnrolment:
    return _get(
        GroupEnrolment.objects.visible_to(user).select_related("session", "episode"),
        pk,
        "enrolment",
    )


def get_drop_in_session_for_user(user, pk: int) -> DropInSession:
    return _get(DropInSession.objects.visible_to(user).select_related("service"), pk, "session")


def get_drop_in_attendance_for_user(user, pk: int) -> DropInAttendance:
    return _get(
        DropInAttendance.objects.visible_to(user).select_related("session"), pk, "attendance"
    )
