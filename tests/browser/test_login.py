import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_signs_in_through_the_real_login_page(
    page, live_server, alice, sign_in, shoot, axe
):
    page.goto(f"{live_server.url}/login/")
    assert "logged and" in page.get_by_test_id("login-banner").inner_text()
    axe(page, "login page")
    shoot(page, "login")

    sign_in(page, "alice")

    assert page.url == f"{live_server.url}/"
    assert "Alice Keyworker" in page.get_by_test_id("whoami").inner_text()
    assert "Keyworker" in page.get_by_test_id("whoami").inner_text()
    axe(page, "keyworker home")
    shoot(page, "home-keyworker")
    assert page.console_errors == []


def test_a_wrong_password_is_refused_with_a_message(page, live_server, alice, sign_in):
    sign_in(page, "alice", "not the password at all")
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()
