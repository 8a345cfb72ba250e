"""Authenticator codes and throttling: helpers that tests import (a conftest
holds fixtures only)."""

import time

from django_otp.oath import TOTP


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or a step or so later:
    django-otp accepts one step of drift and never the same step twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def unthrottle(user) -> None:
    """A wrong code makes the next try wait (1 s, then 2, 4...): tests that
    give a wrong code and then the right one clear the wait instead of sleeping."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
