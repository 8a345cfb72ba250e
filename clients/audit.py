"""The access audit: who opened which client record, export or download.

Every page that shows one client's record, every export and every download
calls record_access() once, after the scoped fetch succeeded:

    client = get_client_for_user(request.user, key)
    record_client_page(request, client)                            # a page about one client
    record_access(request=request, file_label="Caseload CSV, Service A")   # an export
    record_access(request=request, file_label="Return 2026-Q3", kind=AccessKind.DOWNLOAD)

The row is insert-only (a trigger refuses UPDATE and DELETE). It costs two
queries: the user's membership and the insert.
"""

import datetime as dt
import json
import logging
from collections.abc import Iterable

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone
from pghistory.models import Event

from clients.models import AccessEvent, AccessKind, Client, Referral
from nectos import clock
from services.models import Membership, Role, Service

log = logging.getLogger("nectos.audit")

ADMIN_ROLE = "admin"
# Apps whose models hold a client's record (their SAR download and the
# break-glass view walk every model reachable from Client in these).
RECORD_APPS = ("clients", "keywork", "outcomes")


def _acting_membership(
    user, client: Client | None, service: Service | None
) -> tuple[str, int | None]:
    """The role and service the user acted in: the membership that serves
    this client (managers first), else the one named, else their senior one."""
    if user.is_superuser:
        return ADMIN_ROLE, service.pk if service else None
    memberships = Membership.objects.filter(user=user)
    order = [
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
    return AccessEvent.objects.create(
        user=request.user,
        role=role,
        service_id=service_id,
        kind=kind,
        client=client,
        file_label=(file_label or "")[:200],
        reason=reason or "",
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


# --- Reads ----------------------------------------------------------------


def access_events_for(client: Client) -> models.QuerySet:
    return AccessEvent.objects.filter(client=client).select_related("user", "service")


def managed_client(user, key) -> Client:
    """A client with a referral to a service the user manages, or 404."""
    managed = Service.objects.managed_by(user)
    try:
        return Client.objects.filter(
            Exists(Referral.objects.filter(client=OuterRef("pk"), service__in=managed))
        ).get(key=key)
    except (Client.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such client") from exc


def _record_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in RECORD_APPS
        and not issubclass(model, Event)
        and model is not AccessEvent
    ]


def client_records(client: Client) -> dict[type[models.Model], models.QuerySet]:
    """Every row in the record apps that belongs to this client: the client,
    then whatever points at it, then whatever points at those, and so on.
    One query per model reached, whatever the amount of data."""
    record_models = set(_record_models())
    found: dict[type[models.Model], set] = {Client: {client.pk}}
    queue: list[type[models.Model]] = [Client]
    while queue:
        parent = queue.pop(0)
        parent_ids = found[parent]
        for field in _pointers_to(parent, record_models):
            model = field.model
            ids = set(
                model._default_manager.filter(**{f"{field.name}__in": parent_ids}).values_list(
                    "pk", flat=True
                )
            )
            if not ids - found.get(model, set()):
                continue
            found[model] = found.get(model, set()) | ids
            queue.append(model)
    return {
        model: model._default_manager.filter(pk__in=ids).order_by("pk")
        for model, ids in found.items()
    }


def _pointers_to(parent: type[models.Model], record_models: Iterable) -> list[models.Field]:
    """Foreign keys and one-to-ones in record models that point at `parent`."""
    fields = []
    for model in record_models:
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is parent
                and (field.many_to_one or field.one_to_one)
            ):
                fields.append(field)
    return fields


def subject_access_document(client: Client, *, generated_by) -> dict:
    """All of a client's records and the list of who accessed them, for a
    subject access request (UK GDPR article 15)."""
    records = {}
    for model, queryset in sorted(client_records(client).items(), key=lambda kv: kv[0]._meta.label):
        rows = serializers.serialize("python", queryset)
        records[model._meta.label] = [{"id": row["pk"], **row["fields"]} for row in rows]
    access = [
        {
            "at": event.at,
            "who": str(event.user),
            "role": event.role,
            "service": event.service.name if event.service else "",
            "what": event.get_kind_display(),
            "reason": event.reason,
            "request_id": event.request_id,
        }
        for event in access_events_for(client).order_by("at", "pk")
    ]
    return {
        "document": "Subject access request: all records held about one client",
        "generated_at": clock.now(),
        "generated_by": str(generated_by),
        "records": records,
        "access_log": access,
    }


def subject_access_json(client: Client, *, generated_by) -> str:
    return json.dumps(
        subject_access_document(client, generated_by=generated_by),
        cls=DjangoJSONEncoder,
        indent=2,
        ensure_ascii=False,
    )


# --- Break-glass ------------------------------------------------------------


def find_client_for_break_glass(
    *, reference: str = "", initials: str = "", date_of_birth: dt.date | None = None
) -> Client | None:
    """Exactly one client matched on the reference, or on initials and date
    of birth together; None when nothing or more than one matches."""
    if reference:
        matches = Client.objects.filter(reference__iexact=reference.strip())
    elif initials and date_of_birth:
        matches = Client.objects.filter(
            initials=initials.strip().upper(), date_of_birth=date_of_birth
        )
    else:
        return None
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None


def break_glass_open(*, request: HttpRequest, client: Client, reason: str) -> AccessEvent:
    """Open a record outside the user's services: logged as break-glass with
    the reason, and the managers of the client's services are told (by id,
    through Celery, with no client identifier in the message)."""
    with transaction.atomic():
        visible = Client.objects.visible_to(request.user).filter(pk=client.pk).exists()
        if visible:
            return record_access(request=request, client=client, kind=AccessKind.VIEW)
        event = record_access(request=request, client=client, reason=reason)
        service_ids = sorted(
            set(Referral.objects.filter(client=client).values_list("service_id", flat=True))
        )
        _queue_notice(event, service_ids)
    log.info("break-glass access event_id=%s user_id=%s", event.pk, request.user.pk)
    return event


def _queue_notice(event: AccessEvent, service_ids: list[int]) -> None:
    """The managers' notice is a row first (sent once, swept if its publish
    is lost), then a task that sends it after the commit."""
    from nectos.publish import publish_on_commit
    from services.security.models import BreakGlassNotice
    from services.security.tasks import send_break_glass_notice

    now = clock.now()
    notice = BreakGlassNotice.objects.create(
        event=event, actor_id=event.user_id, service_ids=service_ids, created_at=now, queued_at=now
    )
    publish_on_commit(send_break_glass_notice, notice.pk)


_HIDDEN_FIELDS = {"id", "key"}


def _display(obj: models.Model, field: models.Field, loaded: set[str]) -> str:
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if field.is_relation:
        if field.name in loaded:
            return str(getattr(obj, field.name))
        return f"#{value}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value)


def record_sections(client: Client) -> list[dict]:
    """The client's records as titled tables of labels and values, for the
    read-only break-glass view. Code lists, services and staff are joined in;
    other links show as #id. One query per model, whatever the data."""
    from django.contrib.auth import get_user_model

    from clients.models import CodeList

    user_model = get_user_model()
    position = {model: i for i, model in enumerate(_record_models())}
    sections = []
    records = client_records(client)
    for model in sorted(records, key=lambda m: (RECORD_APPS.index(m._meta.app_label), position[m])):
        fields = [f for f in model._meta.concrete_fields if f.name not in _HIDDEN_FIELDS]
        loaded = {
            f.name
            for f in fields
            if f.is_relation
            and (issubclass(f.related_model, CodeList) or f.related_model in (user_model, Service))
        }
        rows = [
            [(str(f.verbose_name).capitalize(), _display(obj, f, loaded)) for f in fields]
            for obj in records[model].select_related(*loaded)
        ]
        sections.append({"title": str(model._meta.verbose_name_plural).capitalize(), "rows": rows})
    return sections
