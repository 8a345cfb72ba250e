"""Request parameters parsed once, strictly.

- `id_param`: an id from the query string or a form. ASCII digits only
  (`str.isdigit()` also takes '²' and other Unicode digits, which `int()`
  then refuses or reads as something else) and within PostgreSQL's bigint;
  anything else is a 404, as an id that matches nothing would be.
- `StrictParamsMiddleware`: a NUL byte anywhere in the path or the query
  string is a 400 (PostgreSQL refuses NUL in text, so it could only end in
  a 500); URL path parts that reach the database are checked before the
  view runs: an int beyond bigint, or a text part that is too long, is a
  404 (no such object could exist)."""

import re

from django.http import Http404, HttpRequest, HttpResponseBadRequest, QueryDict

# PostgreSQL's bigint (every primary key is a BigAutoField).
MAX_ID = 2**63 - 1
# The longest text part of a URL path a view looks up (a service code is
# at most 20 characters; a format name a few).
MAX_PATH_TEXT = 64
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(raw: str | None) -> int | None:
    """The id `raw` spells in ASCII digits, or None for anything else."""
    if raw is None or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def id_param(data: QueryDict, name: str) -> int | None:
    """`name` from request.GET or request.POST: None when absent or empty,
    the id when it is one, else Http404."""
    raw = data.get(name)
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise Http404("No such object.")
    return value


def _past_bigint(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) > MAX_ID


class StrictParamsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("Bad request.", content_type="text/plain")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in list(view_args) + list(view_kwargs.values()):
            if isinstance(value, int) and not 0 < value <= MAX_ID:
                raise Http404("No such object.")
            if isinstance(value, str) and (
                len(value) > MAX_PATH_TEXT
                or (value.isascii() and value.isdigit() and len(value) > 19)
            ):
                # Too long for any code, or digits no id could reach (the
                # admin's object ids are text in the path).
                raise Http404("No such object.")
        return None
