"""Walk every URL pattern of the project, and ask for a URL as a persona.

Shared by the authorisation matrix, the cross-service test, the marker
test and the fuzzing."""

import io
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str
    kwargs: tuple[str, ...]
    named: bool = True


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = route
                if p.name:
                    name = f"{namespace}:{p.name}" if namespace else p.name
                kwargs = tuple(p.pattern.converters) or tuple(p.pattern.regex.groupindex)
                found.append(Pattern(name, route, kwargs, bool(p.name)))

    walk(get_resolver().url_patterns, "", None)
    # The same name can be routed twice (a URL and its alias): keep the first.
    seen: set[str] = set()
    unique = []
    for pattern in found:
        if pattern.name not in seen:
            seen.add(pattern.name)
            unique.append(pattern)
    return unique


def url_for(pattern: Pattern, kwargs: dict) -> str:
    if pattern.named:
        return reverse(pattern.name, kwargs=kwargs)
    # Unnamed (only Django's admin has them): fill the route by hand.
    route = pattern.route
    for name, value in kwargs.items():
        route = re.sub(rf"<(\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), route)
    return "/" + route.rstrip("$")


def browser_for(user) -> Client:
    browser = Client(raise_request_exception=False)
    if user is not None:
        browser.force_login(user)
    return browser


def body_of(response) -> bytes:
    """Everything the response carries, with zip files (XLSX) opened up."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return content + b"".join(archive.read(n) for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return content


def outcome(response) -> str:
    """'error', 'login' (sent to sign in), 'denied' (403/404, or the admin
    site's own refusal) or 'ok'."""
    status = response.status_code
    location = response.get("Location", "")
    if status >= 500:
        return "error"
    if status in (301, 302) and location.startswith("/login/"):
        return "login"
    if status in (403, 404):
        return "denied"
    if status in (301, 302) and location.startswith("/admin/login/"):
        return "denied"
    return "ok"


def a_missing_uuid() -> str:
    return str(uuid.UUID(int=1))
