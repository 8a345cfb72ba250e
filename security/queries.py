from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nectos import clock
from security.models import RecoveryCode, UserSession


def has_second_factor(user) -> bool:
    """A confirmed authenticator app. Recovery codes alone do not count:
    they exist to get back to an app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def sessions_of(user) -> list[UserSession]:
    return list(
        UserSession.objects.filter(user=user, expire_date__gt=clock.now()).order_by("-last_seen")
    )
