import pytest

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    csp = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_authenticated_pages_are_never_cached(client_as, alice):
    response = client_as(alice).get("/")
    assert "no-store" in response["Cache-Control"]


def test_nosniff_and_referrer_policy(client):
    response = client.get("/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_templates_carry_no_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        assert "style=" not in text, path
        assert "<style" not in text, path
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'id="', 'type="application/json"')), path
