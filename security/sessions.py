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

# The idle limit is the row's expiry, pushed on as the user works. A request
# that changed nothing in the session pushes it only when the stored expiry
# is this far behind, with an UPDATE of two columns: every page used to
# re-encode, re-sign and rewrite the whole row in a transaction of its own.
# So an idle session ends between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE after its last request: never later than the limit.
TOUCH_SECONDS = 60


class SessionStore(DBStore):
    _stored_expiry: dt.datetime | None = None

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

    def load(self):
        row = self._get_session_from_db()
        self._stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    def save(self, must_create=False):
        stored = self._stored_expiry
        if must_create or self.modified or self.session_key is None or stored is None:
            super().save(must_create=must_create)
            self._stored_expiry = self.get_expiry_date()
            return
        expiry = self.get_expiry_date()
        if expiry - stored < dt.timedelta(seconds=TOUCH_SECONDS):
            return
        touched = self.model.objects.filter(session_key=self.session_key).update(
            expire_date=expiry, last_seen=clock.now()
        )
        if touched:
            self._stored_expiry = expiry
        else:
            # Ended elsewhere meanwhile (signed out, deactivated): Django's
            # own save says so as it always has.
            super().save()
