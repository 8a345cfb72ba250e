import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.actions import second_factor_reset
from security.models import RecoveryCode, UserSession
from tests.browser.helpers import PASSWORD
from tests.security.helpers import totp_code, unthrottle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Recovery codes go through the password hasher too: Argon2's cost, ten
    # codes at a time, on a shared test machine is minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def test_with_mfa_on_a_new_user_is_sent_to_enrol_after_the_password(client, alice, mfa_on):
    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/setup/")


def test_with_mfa_on_a_password_alone_reaches_no_page(client, alice, mfa_on):
    sign_in(client, "alice")
    for path in ["/", "/account/", "/break-glass/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/two-factor/setup/"), path


def test_the_forced_login_of_tests_still_works_when_mfa_is_on_but_must_enrol(client, alice, mfa_on):
    client.force_login(alice)
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")


def test_enrolment_confirms_the_app_with_its_code_and_shows_recovery_codes_once(
    client, alice, mfa_on
):
    sign_in(client, "alice")
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code, allowed by img-src data:
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert page.context["secret"].replace(" ", "") in page.content.decode().replace(" ", "")

    wrong = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 422
    assert "did not match" in wrong.content.decode()
    unthrottle(alice)

    done = client.post("/account/two-factor/setup/", {"code": totp_code(device), "next": "/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    # Kept as digests only: the codes themselves are not in the database.
    stored = set(RecoveryCode.objects.filter(device__user=alice).values_list("digest", flat=True))
    assert not stored & set(codes)
    assert client.get("/").status_code == 200


def test_an_enrolled_user_gives_the_code_after_the_password(client, alice, mfa_on, enrolled):
    device, _ = enrolled(alice)
    response = sign_in(client, "alice", next_url="/account/")
    assert response["Location"] == "/account/verify/?next=%2Faccount%2F"
    assert client.get("/")["Location"].startswith("/account/verify/")

    bad = client.post("/account/verify/", {"code": "123456", "next": "/account/"})
    assert bad.status_code == 422
    assert "did not work" in bad.content.decode()
    unthrottle(alice)

    good = client.post(
        "/account/verify/", {"code": totp_code(device, steps_ahead=1), "next": "/account/"}
    )
    assert good.status_code == 302
    assert good["Location"] == "/account/"
    assert client.get("/").status_code == 200


def test_the_second_step_gives_the_session_a_new_key(client, alice, mfa_on, enrolled):
    device, _ = enrolled(alice)
    sign_in(client, "alice")
    before = client.session.session_key
    client.post("/account/verify/", {"code": totp_code(device)})
    assert client.session.session_key != before


def test_enrolment_applies_even_when_mfa_is_off_for_users_who_chose_it(client, alice, enrolled):
    enrolled(alice)
    response = sign_in(client, "alice")
    assert response["Location"].startswith("/account/verify/")


def test_a_code_cannot_be_used_twice(client, alice, mfa_on, enrolled):
    device, _ = enrolled(alice)
    code = totp_code(device)
    sign_in(client, "alice")
    assert client.post("/account/verify/", {"code": code}).status_code == 302
    client.post("/logout/")
    sign_in(client, "alice")
    assert client.post("/account/verify/", {"code": code}).status_code == 422


def test_a_recovery_code_signs_in_once(client, alice, mfa_on, enrolled):
    _, codes = enrolled(alice)
    sign_in(client, "alice")
    response = client.post("/account/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert RecoveryCode.objects.filter(device__user=alice).count() == 9
    client.post("/logout/")
    sign_in(client, "alice")
    assert client.post("/account/verify/", {"code": codes[0]}).status_code == 422


def test_wrong_codes_are_throttled_per_device(client, alice, mfa_on, enrolled):
    device, _ = enrolled(alice)
    sign_in(client, "alice")
    for _ in range(3):
        client.post("/account/verify/", {"code": "000000"})
    # Even the right code is refused while the doubling delay runs.
    response = client.post("/account/verify/", {"code": totp_code(device)})
    assert response.status_code == 422
    assert "wait" in response.content.decode()


def test_a_password_alone_cannot_plant_a_new_app_over_an_existing_one(
    client, alice, mfa_on, enrolled
):
    enrolled(alice)
    sign_in(client, "alice")
    response = client.get("/account/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/verify/")
    assert client.post("/account/two-factor/setup/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_a_verified_user_can_make_new_recovery_codes(client, alice, mfa_on, enrolled):
    device, old = enrolled(alice)
    sign_in(client, "alice")
    client.post("/account/verify/", {"code": totp_code(device)})
    response = client.post(
        "/account/two-factor/recovery-codes/", {"password": PASSWORD, "current_code": old[0]}
    )
    assert response.status_code == 200
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    client.post("/logout/")
    sign_in(client, "alice")
    assert client.post("/account/verify/", {"code": old[1]}).status_code == 422


def test_an_administrator_resets_a_second_factor_and_the_user_enrols_again(
    client, alice, admin_user, mfa_on, enrolled
):
    device, _ = enrolled(alice)
    sign_in(client, "alice")
    client.post("/account/verify/", {"code": totp_code(device)})
    assert UserSession.objects.filter(user=alice).exists()

    second_factor_reset(user=alice, acting_user=admin_user)

    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not UserSession.objects.filter(user=alice).exists()
    assert client.get("/")["Location"].startswith("/login/")
    assert sign_in(client, "alice")["Location"].startswith("/account/two-factor/setup/")


def test_the_admin_offers_the_reset_as_an_action(client, alice, admin_user, enrolled):
    enrolled(alice)
    client.force_login(admin_user)
    response = client.post(
        "/admin/services/user/",
        {"action": "reset_second_factor", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_the_admin_does_not_show_authenticator_secrets(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_admin_login_page_sends_people_to_the_one_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_the_login_page_says_when_mfa_is_off(client, settings):
    settings.MFA_REQUIRED = False
    settings.MFA_DISABLED_REASON = ""
    page = client.get("/login/").content.decode()
    assert "Two-factor sign-in is switched off for this demonstration" in page


def test_the_login_page_gives_the_reason_mfa_is_off(client, settings):
    settings.MFA_REQUIRED = False
    settings.MFA_DISABLED_REASON = "training environment with made-up clients"
    page = client.get("/login/").content.decode()
    assert "switched off: training environment with made-up clients" in page


def test_the_login_page_says_nothing_of_it_when_mfa_is_on(client, mfa_on):
    assert 'data-testid="mfa-off"' not in client.get("/login/").content.decode()


def _manage(*args, **env):
    full = {**os.environ, **env}
    full.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p" * 20 + "another-long-random-production-secret-value-123",
    "ALLOWED_HOSTS": "nectos.example.nhs.uk",
    "SITE_URL": "https://nectos.example.nhs.uk",
}


def test_production_refuses_to_start_with_mfa_off_and_no_reason():
    result = _manage("check", **PRODUCTION, MFA_REQUIRED="false", MFA_DISABLED_REASON="")
    assert result.returncode != 0
    assert "MFA_DISABLED_REASON" in result.stderr


def test_production_starts_with_mfa_off_when_a_reason_is_named():
    result = _manage(
        "check", **PRODUCTION, MFA_REQUIRED="false", MFA_DISABLED_REASON="single sign-on upstream"
    )
    assert result.returncode == 0, result.stderr


def test_a_malformed_mfa_setting_stops_start_up():
    result = _manage("check", DEBUG="true", MFA_REQUIRED="sometimes")
    assert result.returncode != 0
    assert "MFA_REQUIRED must be one of" in result.stderr


# --- replacing the second factor needs the password and a current code ---------


def verified(client, alice, enrolled):
    alice.email = "alice@example.invalid"
    alice.save()
    device, codes = enrolled(alice)
    sign_in(client, "alice")
    assert client.post("/account/verify/", {"code": totp_code(device)}).status_code == 302
    return device, codes


def test_a_verified_session_alone_cannot_make_new_recovery_codes(
    client, alice, mfa_on, enrolled, mailoutbox, django_capture_on_commit_callbacks
):
    _, old = verified(client, alice, enrolled)
    assert client.get("/account/two-factor/recovery-codes/").status_code == 200
    assert client.post("/account/two-factor/recovery-codes/").status_code == 422
    wrong = {"password": "not the password", "current_code": old[0]}
    assert client.post("/account/two-factor/recovery-codes/", wrong).status_code == 422
    assert RecoveryCode.objects.filter(device__user=alice).count() == 10
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        right = {"password": PASSWORD, "current_code": old[1]}
        assert client.post("/account/two-factor/recovery-codes/", right).status_code == 200
    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert "New recovery codes" in message.body


def test_a_verified_session_alone_cannot_replace_the_app(
    client, alice, mfa_on, enrolled, mailoutbox, django_capture_on_commit_callbacks
):
    old_device, codes = verified(client, alice, enrolled)
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    new_device = TOTPDevice.objects.get(user=alice, confirmed=False)
    # The new app's code alone: refused, the old app stays.
    alone = client.post("/account/two-factor/setup/", {"code": totp_code(new_device)})
    assert alone.status_code == 422
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).get() == old_device
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/account/two-factor/setup/",
            {
                "code": totp_code(new_device, steps_ahead=1),
                "password": PASSWORD,
                "current_code": codes[0],
            },
        )
    assert done.status_code == 200
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).get() == new_device
    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert "new authenticator app" in message.body


def test_recovery_codes_are_kept_with_the_password_hasher_one_salt_each(alice, enrolled):
    from django.contrib.auth.hashers import identify_hasher

    from security.actions import second_factor_verify

    _, codes = enrolled(alice)
    digests = list(RecoveryCode.objects.filter(device__user=alice).values_list("digest", flat=True))
    assert len(digests) == 10
    for digest in digests:
        hasher = identify_hasher(digest)
        salt = hasher.decode(digest)["salt"]
        assert salt and digest.startswith(hasher.algorithm)
    salts = {identify_hasher(d).decode(d)["salt"] for d in digests}
    assert len(salts) == 10
    assert second_factor_verify(user=alice, code=codes[3].upper()) is not None
    assert second_factor_verify(user=alice, code=codes[3]) is None
