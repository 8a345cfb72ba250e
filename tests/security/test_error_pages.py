import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client_as, alice, settings):
    settings.DEBUG = False
    browser = client_as(alice)
    browser.raise_request_exception = False
    return browser


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/boom/", 500, "Something went wrong"),
        ("/forbidden/", 403, "You do not have permission to do that."),
        ("/bad/", 400, "The request could not be understood."),
        ("/no-such-page/", 404, "Page not found"),
    ],
)
def test_production_error_pages_say_nothing_about_the_request(browser, path, status, heading):
    response = browser.get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    for detail in ["secret detail", "Traceback", "/etc/nectos", path.strip("/"), "QZ"]:
        assert detail not in page, detail
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_form_posted_without_its_token_gets_the_plain_403(client, alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form had expired" in page
    assert "CSRF" not in page
