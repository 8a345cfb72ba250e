"""Writing the access audit: who opened which client record, export or download.

Every page that shows one client's record, every export and every download
calls record_access() once, after the scoped fetch succeeded:

    client = get_client_for_user(request.user, key)
    record_client_page(request, client)                            # a page about one client
    record_access(request=request, file_label="Caseload CSV, Service A")   # an export
    record_access(request=request, file_label="Return 2026-Q3", kind=AccessKind.DOWNLOAD)

The row is insert-only (a trigger refuses UPDATE and DELETE). It costs two
queries: the user's membership and the insert.
"""

import logging

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import HttpRequest

from clients.models import AccessEvent, AccessKind, Client, Referral
from services.models import Membership, Role, Service

log = logging.getLogger("nectos.audit")

ADMIN_ROLE = "admin"


def _acting_membership(
    user, client: Client | None, service: Service | None
) -> tuple[str, int | None]:
    """The role and service the user acted in: the membership that serves
    this client (managers first), else the one named, else their senior one."""
    if user.is_superuser:
        return ADMIN_ROLE, service.pk if service else None
    memberships = Membership.objects.filter(user=user)
    order: list[str | models.Expression] = [
        Case(
            When(role=Role.MANAGER, then=Value(0)),
            When(role=Role.KEYWORKER, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "service__code",
    ]
    if client is not None:
        serves = Exists(Referral.objects.filter(client=client, service=OuterRef("service")))
        memberships = memberships.annotate(serves=serves)
        order.insert(0, models.F("serves").desc())
    if service is not None:
        memberships = memberships.annotate(
            named=Case(When(service=service, then=Value(0)), default=Value(1))
        )
        order.insert(0, "named")
    first = memberships.order_by(*order).values_list("role", "service_id").first()
    if first is None:
        return "", service.pk if service else None
    return first[0], first[1]


def record_access(
    *,
    request: HttpRequest,
    client: Client | None = None,
    file_label: str | None = None,
    reason: str | None = None,
    kind: str | None = None,
    service: Service | None = None,
    reason_category: str = "",
) -> AccessEvent:
    """Write one access event for this request. `kind` defaults to a
    break-glass view when a reason is given, a download when a file is named,
    else a view of the client's record. `service` names the service a file
    belongs to (a return, a caseload export)."""
    if client is None and not file_label:
        raise ValueError("record_access needs a client or a file_label")
    if kind is None:
        if reason:
            kind = AccessKind.BREAK_GLASS
        elif file_label:
            kind = AccessKind.DOWNLOAD
        else:
            kind = AccessKind.VIEW
    role, service_id = _acting_membership(request.user, client, service)
    return AccessEvent.objects.create(  # type: ignore[misc]
        user=request.user,
        role=role,
        service_id=service_id,
        kind=kind,
        client=client,
        file_label=(file_label or "")[:200],
        reason=reason or "",
        reason_category=reason_category[:20],
        request_id=getattr(request, "request_id", "")[:64],
        path=request.path[:300],
    )


def record_client_page(request: HttpRequest, client: Client) -> None:
    """The access event of a page about one client (its record, an episode,
    a contact, a goal, an outcome form; to see it or to change it): one per
    request, however many of the client's records the page fetched."""
    recorded = request.__dict__.setdefault("_access_recorded_for", set())
    if client.pk in recorded:
        return
    record_access(request=request, client=client)
    recorded.add(client.pk)
