import pytest


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True
    return settings


@pytest.fixture
def enrolled(db):
    """Give a user a confirmed authenticator and recovery codes; returns
    (device, codes)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from security.actions import recovery_codes_replace

    def enrol(user):
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        return device, recovery_codes_replace(user=user)

    return enrol
