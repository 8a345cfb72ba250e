import hashlib

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's session row plus whose it is, so that sign-out, deactivation,
    a password change and "end my other sessions" can delete them on the
    server. Filled by security.sessions.SessionStore."""

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

    objects = BaseSessionManager()  # type: ignore[misc]

    class Meta(AbstractBaseSession.Meta):  # type: ignore[name-defined]
        db_table = "security_user_session"
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls):
        from security.sessions import SessionStore

        return SessionStore

    @property
    def handle(self) -> str:
        """A stable public name for the session. The session key itself is a
        bearer secret and never leaves the server."""
        return session_handle(self.session_key)


def session_handle(session_key: str) -> str:
    return hashlib.sha256(f"session:{session_key}".encode()).hexdigest()[:24]


class RecoveryCode(models.Model):
    """One recovery code, kept as Django's password hash (its own salt, the
    configured hasher's work factor): a copy of the database does not hand
    out second factors, nor can the codes be guessed from it offline at
    SHA-256 speed. The StaticDevice it hangs from carries django-otp's
    throttle."""

    device = models.ForeignKey(
        "otp_static.StaticDevice", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=255)

    class Meta:
        db_table = "security_recovery_code"

    def __str__(self) -> str:
        return f"Recovery code {self.pk}"
