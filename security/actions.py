"""Writes for sign-in and sessions: each one transaction, keyword-only."""

import logging
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nectos import clock
from security.models import RecoveryCode, UserSession, session_handle
from services.models import User

log = logging.getLogger("nectos.security")

RECOVERY_CODE_COUNT = 10
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    """Recovery codes are kept like passwords: Django's password hasher, a
    salt of their own each."""
    return make_password(_normal(code))


def _recovery_code_use(device: StaticDevice, code: str) -> bool:
    """django-otp's StaticDevice.verify_token, for hashed codes: throttled
    per device, the code used up on success."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    normal = _normal(code)
    match = next((c for c in device.recovery_codes.all() if check_password(normal, c.digest)), None)
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


@transaction.atomic
def sessions_end_all(*, user, keep_session_key: str | None = None) -> int:
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    count, _ = sessions.delete()
    return count


@transaction.atomic
def session_end(*, user, handle: str) -> bool:
    """End one of the user's own sessions, named by its public handle."""
    keys = UserSession.objects.filter(user=user).values_list("session_key", flat=True)
    for key in keys:
        if session_handle(key) == handle:
            UserSession.objects.filter(user=user, session_key=key).delete()
            log.info("session ended by its user user_id=%s", user.pk)
            return True
    return False


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device_id: int, code: str) -> list[str] | None:
    """Confirm the app by its first code. On success the new app replaces any
    old one and fresh recovery codes are issued (returned once, kept hashed).
    None when the code is wrong."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, pk=device_id, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_replace(user=user)
    log.info("second factor enrolled user_id=%s", user.pk)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return codes


def second_factor_verify(*, user, code: str):
    """The device that accepts the code, or None. Six digits go to the app,
    anything else is tried as a recovery code (used up on success). Both are
    throttled per device by django-otp (doubling delays after a failure)."""
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            for device in devices:
                if device.verify_token(code):
                    return device
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            for device in devices:
                if _recovery_code_use(device, code):
                    return device
    return None


def second_factor_wait_seconds(*, user) -> int:
    """Seconds until the throttle lets another code be tried (0 when free)."""
    wait = 0
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                wait = max(wait, int((data["locked_until"] - clock.now()).total_seconds()) + 1)
    return wait


@transaction.atomic
def second_factor_reset(*, user: User, acting_user: User) -> None:
    """An administrator's reset: the user's app and recovery codes go, their
    sessions end, and at the next sign-in they enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_all(user=user)
    log.info("second factor reset user_id=%s by_user_id=%s", user.pk, acting_user.pk)
