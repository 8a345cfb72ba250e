"""Starting, ending and reallocating treatment episodes. Keyword-only, one
transaction each; the signals go out inside it so that a receiver's writes
(outcomes schedules follow-ups) commit or roll back with the episode."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from clients.access import works_in
from clients.models import Referral
from keywork.models import DischargeReason, Episode
from keywork.queries import first_attended_assessment
from keywork.signals import episode_ended, episode_started
from nectos import clock
from services.models import Service, Tier, User


def _not_in_future(day: dt.date, field: str, what: str) -> None:
    if day > clock.today():
        raise ValidationError({field: f"The {what} cannot be after today."})


def check_planned_days(tier: int, planned_days: int | None) -> None:
    if tier == Tier.RESIDENTIAL and not planned_days:
        raise ValidationError({"planned_days": "A Tier 4 admission needs its planned length."})
    if tier != Tier.RESIDENTIAL and planned_days is not None:
        raise ValidationError({"planned_days": "Planned days are for Tier 4 admissions only."})


@transaction.atomic
def episode_start(
    *,
    referral: Referral,
    tier: int,
    keyworker: User,
    start_date: dt.date,
    acting_user: User,
    planned_days: int | None = None,
) -> Episode:
    """Start treatment on a referral whose assessment was attended."""
    referral = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
    service: Service = referral.service
    if not works_in(acting_user, service):
        raise ValidationError("You can only start treatment in a service you work in.")
    if Episode.objects.filter(referral=referral).exists():
        raise ValidationError("Treatment has already started from this referral.")
    assessed_on = first_attended_assessment(referral)
    if assessed_on is None:
        raise ValidationError("Record an attended assessment before starting treatment.")
    _not_in_future(start_date, "start_date", "start date")
    if start_date < referral.referral_date:
        raise ValidationError({"start_date": "Treatment cannot start before the referral date."})
    if start_date < assessed_on:
        when = f"{assessed_on:%d %b %Y}"
        raise ValidationError(
            {"start_date": f"Treatment cannot start before the assessment on {when}."}
        )
    if tier not in Tier.values:
        raise ValidationError({"tier": "Choose a tier."})
    check_planned_days(tier, planned_days)
    if not works_in(keyworker, service):
        raise ValidationError({"keyworker": "The keyworker must work in this service."})
    if Episode.objects.filter(
        referral__client_id=referral.client_id, referral__service=service, end_date__isnull=True
    ).exists():
        raise ValidationError("This client is already in treatment at this service.")
    episode = Episode.objects.create(
        referral=referral,
        tier=tier,
        keyworker=keyworker,
        start_date=start_date,
        planned_days=planned_days,
    )
    episode_started.send(sender=Episode, episode=episode)
    return episode


@transaction.atomic
def episode_discharge(
    *, episode: Episode, end_date: dt.date, discharge_reason: DischargeReason, acting_user: User
) -> Episode:
    """End an episode. The client's record stays open to a new referral."""
    episode = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("referral__service")
        .get(pk=episode.pk)
    )
    if not works_in(acting_user, episode.referral.service):
        raise ValidationError("You can only discharge in a service you work in.")
    if not episode.is_open:
        raise ValidationError("This episode has already ended.")
    _not_in_future(end_date, "end_date", "end date")
    if end_date < episode.start_date:
        raise ValidationError({"end_date": "The end date cannot be before the start date."})
    last_contact = episode.contacts.aggregate(last=Max("contact_date"))["last"]
    if last_contact and end_date < last_contact:
        raise ValidationError(
            {"end_date": f"A contact is recorded on {last_contact:%d %b %Y}, after this date."}
        )
    episode.end_date = end_date
    episode.discharge_reason = discharge_reason
    episode.save(update_fields=["end_date", "discharge_reason"])
    episode_ended.send(sender=Episode, episode=episode)
    return episode


@transaction.atomic
def episode_reassign(*, episode: Episode, keyworker: User, acting_user: User) -> Episode:
    """A manager moves an open episode to another keyworker of the service."""
    episode = (
        Episode.objects.select_for_update().select_related("referral__service").get(pk=episode.pk)
    )
    service = episode.referral.service
    if not Service.objects.managed_by(acting_user).filter(pk=service.pk).exists():
        raise ValidationError("Only a manager of the service can reallocate its clients.")
    if not episode.is_open:
        raise ValidationError("This episode has ended.")
    if not works_in(keyworker, service):
        raise ValidationError({"keyworker": "The keyworker must work in this service."})
    episode.keyworker = keyworker
    episode.save(update_fields=["keyworker"])
    return episode
