"""Writes for client information reviews."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clients.review_models import REVIEW_COLUMNS, REVIEW_ITEMS, ClientReview

REVIEW_FIELDS = ("review_date", "declined", *REVIEW_ITEMS, *REVIEW_COLUMNS.values())


def _apply(review: ClientReview, fields: dict) -> None:
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"not client review fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "declined":
            value = sorted(set(value or ()), key=REVIEW_ITEMS.index)
        setattr(review, name, value)


def _save(review: ClientReview) -> ClientReview:
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as error:
        if "client_review_once_a_day" in str(error):
            raise ValidationError(
                {"review_date": "This episode already has a review on this date."}
            ) from None
        raise
    return review


_UNCHANGED = object()


def client_review_record(
    *, acting_user, episode, fields: dict, local_authority=_UNCHANGED
) -> ClientReview:
    """A new review for `episode`; ValidationError with a message per field
    and nothing saved when a rule fails. `local_authority` (a LocalAuthority
    or None), when given, is where the client now lives: it belongs to the
    client, not the review, and is saved with it."""
    review = ClientReview(episode=episode, recorded_by=acting_user)
    _apply(review, fields)
    with transaction.atomic():
        review = _save(review)
        if local_authority is not _UNCHANGED:
            client = episode.referral.client
            client.local_authority = local_authority
            client.save(update_fields=["local_authority", "updated_at"])
    return review


def client_review_update(*, acting_user, review: ClientReview, fields: dict) -> ClientReview:
    _apply(review, fields)
    return _save(review)


def client_review_delete(*, acting_user, review: ClientReview) -> None:
    with transaction.atomic():
        review.delete()
