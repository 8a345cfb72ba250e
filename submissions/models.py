"""Idempotent submissions: each form that creates a record carries a key
(a uuid made when the form is shown, in a hidden field); the key is stored,
unique per kind, in the same transaction as the record, so a second post of
the same form (a double click, a resend after a dropped answer) stores
nothing new and is answered as the first was."""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    kind = models.CharField(max_length=40, help_text="What the form creates: contact, referral...")
    key = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    # The record the first post created (its primary key).
    object_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="submission_once_per_kind")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} submission {self.pk}"
