"""Fuzz every form the pages show (the search and the sign-in included):
whatever is typed, no server error, and markup sent in comes back escaped.

The test signs in as someone allowed to see each page (url_matrix.py),
collects the forms on it (their action, or hx-post, and field names), then
lets hypothesis fill the fields with injection payloads, odd text, numbers
and dates. Each request is rolled back afterwards."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dates import LITERAL_DAY
from tests.security.test_url_matrix import ask, url_of
from tests.security.url_matrix import (
    ADMIN,
    ANON,
    COMMISSIONER,
    KEYWORKER_A,
    KEYWORKER_B,
    KNOWN_DEFECTS,
    MANAGER_A,
    row_for,
)
from tests.security.urlwalk import url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

SCRIPT = "<script>alert('nectos')</script>"
PAYLOADS = [
    SCRIPT,
    "\"><img src=x onerror=alert('nectos')>",
    "' OR '1'='1",
    "1; DROP TABLE clients_client; --",
    "1' UNION SELECT username, password FROM services_user --",
    "{{ request.user.password }}{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "\u202egnp.exe",
    "Zoë O’Brien-Łukasz 李",
    "\x00nul",
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "0",
    "",
    " ",
    "A" * 5000,
]
# What an unescaped payload would look like in a page.
RAW_MARKUP = ["<script>alert('nectos')", "<img src=x onerror=alert('nectos')"]


@dataclass
class Form:
    url: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> (kind, [options])


class FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._extra_urls: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("hx-post") or a.get("action") or self.page_url
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = Form(urljoin(self.page_url, action), method)
            self._extra_urls = []
            return
        if self._form is None:
            return
        if a.get("hx-post"):
            self._extra_urls.append(("post", urljoin(self.page_url, a["hx-post"])))
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            options = self._form.fields.get(name, (kind, []))[1]
            if a.get("value") is not None:
                options.append(a["value"])
            self._form.fields[name] = (kind, options)
        elif tag == "textarea" and name:
            self._form.fields[name] = ("text", [])
        elif tag == "select" and name:
            self._form.fields[name] = ("select", [])
            self._select = name
        elif tag == "option" and self._select:
            self._form.fields[self._select][1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            for method, url in self._extra_urls:
                self.forms.append(Form(url, method, dict(self._form.fields)))
            self._form = None


@pytest.fixture(autouse=True)
def fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


def collect_forms(world, personas) -> dict[tuple[str, str], tuple[Form, object]]:
    """(method, url path) -> (form, someone allowed to use it)."""
    preference = [ANON, KEYWORKER_A, MANAGER_A, KEYWORKER_B, COMMISSIONER, ADMIN]
    forms: dict[tuple[str, str], tuple[Form, object]] = {}
    for pattern in url_patterns():
        row = row_for(pattern.name)
        if row is None or row.method != "get" or pattern.route.startswith("admin/"):
            continue
        allowed = [p for p in preference if p in row.may or (p == ANON and row.public)]
        if not allowed or row.signs_out:
            continue
        persona = allowed[0]
        page_url = url_of(pattern, row, world["A"] if row.objects else None, personas)
        response = ask(personas[persona], "get", page_url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(page_url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            path = urlparse(form.url).path
            if path == "/logout/" or not _ours(path):
                continue
            forms.setdefault((form.method, form.url), (form, personas[persona]))
    return forms


def _ours(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def value_for(kind: str, options: list[str]):
    choices = [st.sampled_from(PAYLOADS), st.text(max_size=40)]
    if options:
        choices.insert(0, st.sampled_from(options))
    if kind == "number":
        choices.append(st.integers(min_value=-(2**40), max_value=2**40).map(str))
    if kind == "date":
        choices.append(st.dates().map(lambda d: d.isoformat()))
    if kind == "file":
        return st.binary(max_size=2000).map(
            lambda b: SimpleUploadedFile("bundle.zip", b, content_type="application/zip")
        )
    return st.one_of(*choices)


def form_data(form: Form):
    return st.fixed_dictionaries(
        {},
        optional={name: value_for(kind, options) for name, (kind, options) in form.fields.items()},
    )


def test_every_form_survives_hostile_input(
    alice, bob, charlie, dora, admin_user, service_a, service_b
):
    from tests.security.world import build_world

    world = build_world(
        service_a=service_a, service_b=service_b, alice=alice, charlie=charlie, dora=dora, bob=bob
    )
    personas = {
        ANON: None,
        KEYWORKER_A: alice,
        KEYWORKER_B: charlie,
        MANAGER_A: bob,
        COMMISSIONER: dora,
        ADMIN: admin_user,
    }
    forms = collect_forms(world, personas)
    paths = {urlparse(url).path for _, url in forms}
    assert "/login/" in paths and "/clients/search/" in paths, sorted(paths)
    assert len(forms) >= 15, sorted(paths)

    failures: list[str] = []
    for (_method, url), (form, user) in sorted(forms.items(), key=lambda kv: kv[0]):
        name = resolve(urlparse(url).path).view_name
        if name in KNOWN_DEFECTS:
            continue
        try:
            fuzz_one(form, user)
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)


def fuzz_one(form: Form, user) -> None:
    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=form_data(form))
    def fuzz(data):
        response = ask(user, form.method, form.url, data)
        assert response.status_code < 500, f"{form.method.upper()} {form.url} {data!r}"[:400]
        if "html" in response.get("Content-Type", "") and not response.get("Location"):
            body = response.content.decode("utf-8", "replace")
            for raw in RAW_MARKUP:
                assert raw not in body, f"unescaped markup from {form.method.upper()} {form.url}"

    fuzz()
