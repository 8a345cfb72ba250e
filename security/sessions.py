"""Database sessions that know their user (SESSION_ENGINE points here)."""

import datetime as dt

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

from nectos import clock

# Session keys written at sign-in by security.signals.
SIGNED_IN_AT = "security_signed_in_at"
IP_ADDRESS = "security_ip"
USER_AGENT = "security_ua"
MFA_ENROLLED = "security_mfa_enrolled"


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from security.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        obj.ip_address = data.get(IP_ADDRESS) or None
        obj.user_agent = (data.get(USER_AGENT) or "")[:300]
        signed_in = data.get(SIGNED_IN_AT)
        obj.signed_in_at = (
            dt.datetime.fromtimestamp(signed_in, tz=dt.UTC) if signed_in is not None else None
        )
        obj.last_seen = clock.now()
        return obj
