"""The server-error page. A database that cannot be reached (stopped,
restarting, refusing connections) is not a fault in the request: the user
gets a 503 that says so and when to try again, instead of "something went
wrong"; everything else stays a 500. Django calls this handler inside the
`except` that caught the error, so the error is in sys.exc_info()."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30


def database_unreachable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the context processors would read the
    # session and the user, i.e. the database that may be the trouble.
    if database_unreachable(sys.exc_info()[1]):
        return HttpResponse(
            render_to_string("503.html"),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponse(render_to_string("500.html"), status=500)
