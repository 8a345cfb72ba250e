"""Every URL, every persona: what the matrix (url_matrix.py) says, and the
security headers on every answer."""

import pytest
from django.db import transaction

from tests.dates import LITERAL_DAY
from tests.security.url_matrix import (
    ADMIN,
    ADMIN_ARGS,
    ANON,
    COMMISSIONER,
    KEYWORKER_A,
    KEYWORKER_B,
    KNOWN_DEFECTS,
    MANAGER_A,
    MATRIX,
    row_for,
)
from tests.security.urlwalk import browser_for, outcome, url_for, url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

PATTERNS = url_patterns()


@pytest.fixture(autouse=True)
def fast_hashing(settings, tmp_path):
    # Six personas per URL: Argon2 would spend most of the run hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path  # the world's stored return


@pytest.fixture
def personas(alice, charlie, bob, dora, admin_user) -> dict:
    return {
        ANON: None,
        KEYWORKER_A: alice,
        KEYWORKER_B: charlie,
        MANAGER_A: bob,
        COMMISSIONER: dora,
        ADMIN: admin_user,
    }


@pytest.fixture
def world(service_a, service_b, alice, bob, charlie, dora):
    from tests.security.world import build_world

    return build_world(
        service_a=service_a, service_b=service_b, alice=alice, charlie=charlie, dora=dora, bob=bob
    )


def resolve_args(pattern, row, place, personas=None) -> dict:
    kwargs = {}
    for name in pattern.kwargs:
        spec = row.args.get(name) or (
            ADMIN_ARGS.get(name) if pattern.route.startswith("admin/") else None
        )
        assert spec, f"{pattern.name}: the matrix row names no object for <{name}>"
        if spec.startswith("="):
            kwargs[name] = spec[1:]
        elif spec == "@admin":
            kwargs[name] = personas[ADMIN].pk
        else:
            kwargs[name] = place.resolve(spec)
    return kwargs


def url_of(pattern, row, place, personas=None) -> str:
    url = url_for(pattern, resolve_args(pattern, row, place, personas))
    return f"{url}?{row.query}" if row.query else url


def ask(user, method: str, url: str, data: dict | None = None):
    """One request, rolled back afterwards: each persona meets the same world
    (a delete by one does not turn into a 404 for the next)."""
    browser = browser_for(user)
    with transaction.atomic():
        response = getattr(browser, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def expected(row, persona: str) -> str:
    if row.signs_out:
        return "login"
    if persona == ANON:
        return "ok" if row.public else "login"
    return "ok" if persona in row.may else "denied"


def header_problems(response, persona: str, row) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp:
        problems.append(f"CSP {csp!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if not response.get("X-Request-ID"):
        problems.append("no X-Request-ID")
    if (
        persona != ANON
        and not (row.signs_out or row.harmless)
        and "no-store" not in response.get("Cache-Control", "")
    ):
        problems.append(f"Cache-Control {response.get('Cache-Control')!r}")
    return problems


def test_every_url_has_a_row_in_the_matrix():
    missing = [f"{p.name} ({p.route})" for p in PATTERNS if row_for(p.name) is None]
    assert not missing, "add rows to tests/security/url_matrix.py for:\n" + "\n".join(missing)


def test_every_row_of_the_matrix_is_a_url_that_exists():
    names = {p.name for p in PATTERNS}
    assert sorted(set(MATRIX) - names) == []


def test_every_url_of_ours_has_a_name():
    assert [p.route for p in PATTERNS if not p.named and not p.route.startswith("admin/")] == []


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_each_persona_gets_what_the_matrix_says(request, pattern, personas):
    row = row_for(pattern.name)
    if row is None:
        pytest.fail(f"no row for {pattern.name}")
    place = request.getfixturevalue("world")["A"] if row.objects else None
    url = url_of(pattern, row, place, personas)
    if pattern.name in KNOWN_DEFECTS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_DEFECTS[pattern.name], strict=True))
    wrong, headers = [], []
    for persona, user in personas.items():
        response = ask(user, row.method, url)
        got, want = outcome(response), expected(row, persona)
        if persona == ANON and response.get("Location", "").startswith("/admin/login/"):
            got = "login"  # the admin's login forwards to ours
        if row.harmless and got != "error":
            got = want
        if got != want:
            wrong.append(
                f"{persona}: wanted {want}, got {got} "
                f"({response.status_code} {response.get('Location', '')})"
            )
        headers += [f"{persona}: {p}" for p in header_problems(response, persona, row)]
    assert not wrong, f"{row.method.upper()} {url}\n" + "\n".join(wrong)
    assert not headers, f"{row.method.upper()} {url}\n" + "\n".join(headers)
