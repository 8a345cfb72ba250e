import pytest
from django.test import Client

from tests.browser.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(username: str, password: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def fail(username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert attempt(username, "not the password", address).status_code in (422, 429)


def test_a_wrong_password_is_refused_with_a_message(alice):
    response = attempt("alice", "wrong wrong wrong")
    assert response.status_code == 422
    assert "correct username and password" in response.content.decode()


def test_five_failures_lock_that_username_from_that_address(alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail("alice", 4)
    response = attempt("alice", "still not it")
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    # Locked even with the right password now.
    assert attempt("alice", PASSWORD).status_code == 429


def test_the_same_username_from_another_address_is_not_locked(alice):
    fail("alice", 5, "10.0.0.1")
    assert attempt("alice", PASSWORD, "10.0.0.2").status_code == 302


def test_another_username_from_the_same_address_is_not_locked(alice, bob):
    fail("alice", 5, "10.0.0.1")
    assert attempt("bob", PASSWORD, "10.0.0.1").status_code == 302


def test_a_success_before_the_limit_clears_the_count(alice):
    fail("alice", 4)
    assert attempt("alice", PASSWORD).status_code == 302
    fail("alice", 4)
    assert attempt("alice", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(alice):
    from axes.models import AccessAttempt
    from django.utils import timezone

    fail("alice", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert attempt("alice", PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(forwarded: str, password: str):
        return Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded).post(
            "/login/", {"username": "alice", "password": password}
        )

    for _ in range(5):
        via_proxy("203.0.113.7", "wrong")
    # Another client behind the same proxy is not locked out...
    assert via_proxy("198.51.100.2", PASSWORD).status_code == 302
    # ...and the locked one cannot escape by forging an address in front.
    assert via_proxy("1.2.3.4, 203.0.113.7", PASSWORD).status_code == 429


def test_the_test_clients_login_still_works(client, alice):
    assert client.login(username="alice", password=PASSWORD)


# --- across usernames from one address, across addresses for one username ------


def test_one_address_trying_many_usernames_is_locked(alice, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for name in ("ann", "ben", "cat"):
        fail(name, 2, "10.0.0.9")
    # Six failures from this address across three names: alice too is refused here,
    response = attempt("alice", PASSWORD, "10.0.0.9")
    assert response.status_code == 429
    # and not from elsewhere.
    assert attempt("alice", PASSWORD, "10.0.0.8").status_code == 302


def test_one_username_tried_from_many_addresses_is_locked(alice, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for address in ("10.0.1.1", "10.0.1.2", "10.0.1.3"):
        fail("alice", 2, address)
    assert attempt("alice", PASSWORD, "10.0.1.4").status_code == 429


def test_production_behind_a_proxy_refuses_to_start_without_a_proxy_count():
    from tests.security.test_second_factor import PRODUCTION, _manage

    ON = {**PRODUCTION, "MFA_REQUIRED": "true"}

    refused = _manage("check", **ON, BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="0")
    assert refused.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in refused.stderr
    counted = _manage("check", **ON, TRUSTED_PROXY_COUNT="1")
    assert counted.returncode == 0, counted.stderr


def test_forwarded_proto_is_trusted_only_with_a_proxy_count():
    from tests.security.test_second_factor import PRODUCTION, _manage

    ON = {**PRODUCTION, "MFA_REQUIRED": "true"}

    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    direct = _manage("shell", "-c", code, **ON)
    assert direct.stdout.strip().endswith("None"), direct.stderr
    proxied = _manage("shell", "-c", code, **ON, TRUSTED_PROXY_COUNT="1")
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout
