from django.conf import settings
from django.db import models


class BreakGlassNotice(models.Model):
    """The email owed to a client's service managers after a break-glass
    access. Written in the access's own transaction and sent by a task; a
    row without `sent_at` is work still owed, which the sweeper
    (nectos.sweep) queues again, so a lost publish loses no notice."""

    event = models.OneToOneField("clients.AccessEvent", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The services whose managers are told (ids only; fixed at the access).
    service_ids = models.JSONField(default=list)
    created_at = models.DateTimeField()
    # When its task was last queued: the sweeper's clock.
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    emails = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(sent_at__isnull=True),
                name="break_glass_notice_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass notice {self.pk}"
