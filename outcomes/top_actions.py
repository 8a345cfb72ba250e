"""Writes for Treatment Outcomes Profiles. Each brings the episode's
follow-ups (TOP due dates included) up to date in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from keywork.models import Episode
from nectos import clock
from outcomes.top_models import ITEM_COLUMNS, ITEMS, TreatmentOutcomesProfile

TOP_FIELDS = ("stage", "top_date", "declined", *(ITEM_COLUMNS[i] for i in ITEMS))


def _apply(top: TreatmentOutcomesProfile, fields: dict) -> None:
    unknown = set(fields) - set(TOP_FIELDS) - {"other_substance"}
    if unknown:
        raise ValueError(f"not TOP fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "declined":
            value = sorted(set(value or ()), key=ITEMS.index) if value else []
        setattr(top, name, value)


def _save(top: TreatmentOutcomesProfile) -> TreatmentOutcomesProfile:
    top.full_clean()
    try:
        with transaction.atomic():
            top.save()
            _refresh(top.episode_id)
    except IntegrityError as error:
        # Two people saving the same start or exit TOP at once.
        if "top_one_" in str(error) or "top_once_per" in str(error):
            raise ValidationError(
                {"stage": "This episode already has this TOP. Edit that one instead."}
            ) from None
        raise
    return top


def _refresh(episode_id: int) -> None:
    from outcomes.actions import _after_commit_refresh, _bring_up_to_date

    _bring_up_to_date(Episode.objects.filter(pk=episode_id), clock.today())
    _after_commit_refresh(episode_id)


def top_record(*, acting_user, episode: Episode, fields: dict) -> TreatmentOutcomesProfile:
    """A new TOP for `episode`. Raises ValidationError with a message per
    field; nothing is saved then."""
    top = TreatmentOutcomesProfile(episode=episode, recorded_by=acting_user)
    _apply(top, fields)
    return _save(top)


def top_update(
    *, acting_user, top: TreatmentOutcomesProfile, fields: dict
) -> TreatmentOutcomesProfile:
    """Change some items of a TOP (history keeps the old values)."""
    _apply(top, fields)
    return _save(top)


def top_delete(*, acting_user, top: TreatmentOutcomesProfile) -> None:
    """Remove a TOP recorded in error; history keeps what it said."""
    episode_id = top.episode_id
    with transaction.atomic():
        top.delete()
        _refresh(episode_id)
