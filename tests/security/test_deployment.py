"""The deployment: only a TLS proxy that strips inbound forwarding headers
is published; the app trusts exactly that one proxy; the app and the
migrations connect as different database roles; uploads are private to
the app's user."""

import stat
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = (ROOT / "docker-compose.yml").read_text()
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()


def test_only_the_proxy_is_published():
    published = [line for line in COMPOSE.splitlines() if line.strip().startswith("ports:")]
    assert published == ['    ports: ["80:80", "443:443"]']
    assert "caddy" in COMPOSE and "8000:8000" not in COMPOSE


def test_the_proxy_strips_inbound_forwarding_headers_and_limits_bodies():
    for header in ("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"request_header -{header}\n" in CADDYFILE
    assert "max_size 101MB" in CADDYFILE
    assert 'TRUSTED_PROXY_COUNT: "1"' in COMPOSE


def test_the_app_and_the_migrations_use_different_database_roles():
    assert "postgres://nectos_app:" in COMPOSE
    assert "postgres://nectos_owner:" in COMPOSE
    assert "db_roles --app-role nectos_app" in COMPOSE
    assert "migrate" not in COMPOSE.split("  web:\n", 1)[1].split("\n  worker:", 1)[0]
    roles = (ROOT / "deploy" / "postgres-init" / "10-roles.sh").read_text()
    assert "CREATE ROLE nectos_app LOGIN NOSUPERUSER" in roles
    ci = (ROOT / ".ci" / "run").read_text()
    assert "nectos_owner" in ci and "nectos_app" in ci


def test_uploads_are_0600_in_0700_folders(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
    storage = FileSystemStorage()
    name = storage.save("imports/bundle.zip", ContentFile(b"PK"))
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "imports").stat().st_mode) == 0o700
