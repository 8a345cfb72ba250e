import hashlib

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's session row plus whose it is, so that sign-out, deactivation,
    a password change and "end my other sessions" can delete them on the
    server. Filled by services.security.sessions.SessionStore."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)

    objects = BaseSessionManager()

    class Meta(AbstractBaseSession.Meta):
        db_table = "security_user_session"
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls):
        from services.security.sessions import SessionStore

        return SessionStore

    @property
    def handle(self) -> str:
        """A stable public name for the session. The session key itself is a
        bearer secret and never leaves the server."""
        return session_handle(self.session_key)


def session_handle(session_key: str) -> str:
    return hashlib.sha256(f"session:{session_key}".encode()).hexdigest()[:24]


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
        db_table = "security_break_glass_notice"
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(sent_at__isnull=True),
                name="break_glass_notice_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass notice {self.pk}"
