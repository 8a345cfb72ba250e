"""Writes for idempotent submissions (see models.py). Used as

    with transaction.atomic():
        first = submission_claim(acting_user=user, kind="contact", key=key)
        if first is None:
            contact = contact_log(...)
            submission_record(acting_user=user, kind="contact", key=key, object_id=contact.pk)
    # first is not None: a repeat; answer with the record first.object_id

Both must run inside the caller's transaction, so that a save that fails
(a validation error, a crash) leaves the key unused."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from nectos import clock
from submissions.models import Submission


def submission_claim(*, acting_user, kind: str, key: uuid.UUID | None) -> Submission | None:
    """None: the first post with `key` (now claimed), or no key at all (an
    older page: saved as before). A Submission: the earlier post with this
    key, committed (a concurrent first post is waited for by the unique
    index). A key someone else used is refused."""
    if key is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("submission_claim must run inside the record's transaction")
    try:
        with transaction.atomic():
            Submission.objects.create(kind=kind, key=key, user=acting_user, created_at=clock.now())
    except IntegrityError:
        first = Submission.objects.get(kind=kind, key=key)
        if first.user_id != acting_user.pk:
            raise PermissionDenied("This form was sent by someone else.") from None
        return first
    return None


def submission_record(*, acting_user, kind: str, key: uuid.UUID | None, object_id: int) -> None:
    """Note which record the first post created."""
    if key is not None:
        Submission.objects.filter(kind=kind, key=key, user=acting_user).update(object_id=object_id)


def submit_once(*, acting_user, kind: str, key: uuid.UUID | None, model, create):
    """Run `create()` (an action that returns the saved record) once per
    key: a repeat returns the record the first post created (None if it has
    since been deleted) and creates nothing."""
    with transaction.atomic():
        first = submission_claim(acting_user=acting_user, kind=kind, key=key)
        if first is None:
            record = create()
            submission_record(acting_user=acting_user, kind=kind, key=key, object_id=record.pk)
            return record
    return model._default_manager.filter(pk=first.object_id).first()
