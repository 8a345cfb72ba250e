"""Odd input never answers 500: every URL of the project (the same walk as
the authorisation matrix, tests/security/url_matrix.py) asked with odd
values in each path part and in every query and form parameter a view
reads: a superscript digit (which str.isdigit() accepts and int()
refuses), a NUL byte, 40 digits (past bigint) and -1."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.http import QueryDict

from nectos.params import id_param, parse_id
from tests.security.test_url_matrix import (  # noqa: F401 - fixtures
    ask,
    fast_hashing,
    personas,
    resolve_args,
    world,
)
from tests.security.url_matrix import (
    ADMIN,
    COMMISSIONER,
    KEYWORKER_A,
    KEYWORKER_B,
    MANAGER_A,
    row_for,
)
from tests.security.urlwalk import url_for, url_patterns

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = url_patterns()
OURS = [p for p in PATTERNS if not p.route.startswith("admin/")]
# In the path (URL-encoded) and in parameters (as the browser would send).
ODD_IN_PATH = {"superscript": "%C2%B2", "nul": "%00", "40 digits": "9" * 40, "negative": "-1"}
ODD = {"superscript": "²", "nul": "\x00", "40 digits": "9" * 40, "negative": "-1"}
PREFERENCE = [MANAGER_A, KEYWORKER_A, COMMISSIONER, ADMIN, KEYWORKER_B]


def parameter_names() -> list[str]:
    """Every name a view reads from request.GET or request.POST by hand."""
    names = set()
    read = re.compile(r"request\.(?:GET|POST)(?:\.get\(|\[)\"(\w+)\"")
    helper = re.compile(r"id_param\(request\.(?:GET|POST), \"(\w+)\"")
    for folder in ("clients", "keywork", "outcomes", "services", "nectos"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            names.update(read.findall(text) + helper.findall(text))
    return sorted(names)


def who(row, people):
    for persona in PREFERENCE:
        if persona in row.may:
            return people[persona]
    return people[ADMIN]


def test_the_walk_knows_the_parameters_it_must_try():
    names = parameter_names()
    assert {"appointment", "page", "service"} <= set(names), names


@pytest.mark.parametrize("ascii_only", ["²", "١٢", " 12", "12\n", "+12", "0", "", "1" * 20])
def test_an_id_is_ascii_digits_within_bigint(ascii_only):
    assert parse_id(ascii_only) is None
    assert parse_id("12") == 12 and parse_id(str(2**63 - 1)) == 2**63 - 1


def test_a_malformed_id_parameter_is_a_404_and_a_missing_one_none():
    from django.http import Http404

    assert id_param(QueryDict("a=7"), "a") == 7
    assert id_param(QueryDict("a="), "a") is None
    assert id_param(QueryDict(""), "a") is None
    with pytest.raises(Http404):
        id_param(QueryDict("a=%C2%B2"), "a")


@pytest.mark.parametrize("pattern", OURS, ids=[p.name for p in OURS])
def test_odd_parameters_never_answer_500(request, pattern):
    people = request.getfixturevalue("personas")
    row = row_for(pattern.name)
    place = request.getfixturevalue("world")["A"] if row.objects else None
    url = url_for(pattern, resolve_args(pattern, row, place, people))
    user = who(row, people)
    names = parameter_names()
    errors = []
    for label, value in ODD.items():
        data = dict.fromkeys(names, value)
        for method in ("get", "post"):
            response = ask(user, method, url, data)
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url} with {label}: {response.status_code}")
    assert not errors, "\n".join(errors)


WITH_PATH_PARTS = [p for p in PATTERNS if p.kwargs]


@pytest.mark.parametrize("pattern", WITH_PATH_PARTS, ids=[p.name for p in WITH_PATH_PARTS])
def test_odd_path_parts_never_answer_500(request, pattern):
    people = request.getfixturevalue("personas")
    row = row_for(pattern.name)
    place = request.getfixturevalue("world")["A"] if row.objects else None
    good = resolve_args(pattern, row, place, people)
    user = who(row, people)
    by_hand = dataclasses.replace(pattern, named=False)
    errors = []
    for name in pattern.kwargs:
        for label, value in ODD_IN_PATH.items():
            url = url_for(by_hand, {**good, name: value})
            response = ask(user, row.method, url)
            if response.status_code >= 500:
                errors.append(f"{url} ({name} {label}): {response.status_code}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("value", ["%C2%B2", "%00", "9" * 40, "-1"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_contact_logger_refuses_an_odd_appointment(client_as, alice, service_a, value, method):
    from tests.outcomes.helpers import make_episode

    episode = make_episode(service_a, alice, started_days_ago=10)
    web = client_as(alice)
    response = getattr(web, method)(f"/episodes/{episode.pk}/contacts/new/?appointment={value}")
    assert response.status_code in (400, 404, 422)


@pytest.mark.parametrize("suffix", ["", "snapshot/status/", "compare/", "caseload/", "records/"])
def test_a_nul_in_a_service_code_is_refused(client_as, bob, service_a, suffix):
    response = client_as(bob).get(f"/dashboards/A%00/{suffix}")
    assert response.status_code == 400
