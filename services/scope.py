"""A user's memberships, read once per request.

Every page scopes its queries by the services the user works in, and most
pages do so several times (the access check, the top bar, each query of
the page). Within a request the memberships are read once and the scoping
becomes a literal list of service ids, which PostgreSQL plans as well as
the subquery it replaces and Django compiles in a fraction of the time.
Outside a request (commands, tasks, tests calling queries directly) nothing
is remembered and the scoping stays a subquery, read when the query runs.

A change to any membership during the request forgets what was read, so a
page that changes someone's services sees the change."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

_memo: ContextVar[dict[int, tuple["Held", ...]] | None] = ContextVar(
    "membership_memo", default=None
)


@dataclass(frozen=True)
class Held:
    """One membership: the service and the role held in it."""

    service_id: int
    service_name: str
    role: str


def _read(user) -> tuple[Held, ...]:
    from services.models import Membership

    return tuple(
        Held(service_id, name, role)
        for service_id, name, role in Membership.objects.filter(user=user).values_list(
            "service_id", "service__name", "role"
        )
    )


def held_by(user) -> tuple[Held, ...] | None:
    """The user's memberships in the membership model's order, or None
    outside a request (the caller then scopes with a subquery)."""
    memo = _memo.get()
    if memo is None or not user.is_authenticated:
        return None
    if user.pk not in memo:
        memo[user.pk] = _read(user)
    return memo[user.pk]


def memberships(user) -> tuple[Held, ...]:
    """The user's memberships: remembered within a request, read otherwise."""
    held = held_by(user)
    return held if held is not None else _read(user)


def forget(**kwargs) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class MembershipScopeMiddleware:
    """Remembers memberships for the length of one request (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembering():
            return self.get_response(request)


@contextmanager
def remembering() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def connect() -> None:
    from services.models import Membership

    post_save.connect(forget, sender=Membership, dispatch_uid="services.scope.saved")
    post_delete.connect(forget, sender=Membership, dispatch_uid="services.scope.deleted")
