"""The access audit's reads: who opened which client record, the subject
access document, and the break-glass view. Writing an access event is
clients.access_log's (every page about one client calls it)."""

import datetime as dt
import json
import logging
from collections.abc import Iterable

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.utils import timezone
from pghistory.models import Event

from clients.access_log import record_access
from clients.models import AccessEvent, AccessKind, BreakGlassAttempt, Client, Referral
from nectos import clock
from services.models import Service

log = logging.getLogger("nectos.audit")

# Apps whose models hold a client's record (their SAR download and the
# break-glass view walk every model reachable from Client in these).
RECORD_APPS = ("clients", "keywork", "outcomes")


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


def _service_filter(model: type[models.Model], services) -> dict:
    """The filter that keeps a model's rows to some services: through its own
    service, or through a parent's (a drop-in attendance's session)."""
    names = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
    if "service" in names:
        return {"service__in": services}
    for name, field in names.items():
        if any(f.name == "service" for f in field.related_model._meta.concrete_fields):  # type: ignore[union-attr]
            return {f"{name}__service__in": services}
    return {}


def client_records(client: Client, services=None) -> dict[type[models.Model], models.QuerySet]:
    """Every row in the record apps that belongs to this client: the client,
    then whatever points at it, then whatever points at those, and so on.
    With `services`, only the rows of those services (another service's
    referral and all that hangs from it are left out). One query per model
    reached, whatever the amount of data."""
    record_models = set(_record_models())
    found: dict[type[models.Model], set] = {Client: {client.pk}}
    queue: list[type[models.Model]] = [Client]
    while queue:
        parent = queue.pop(0)
        parent_ids = found[parent]
        for field in _pointers_to(parent, record_models):
            model = field.model
            rows = model._default_manager.filter(**{f"{field.name}__in": parent_ids})
            if services is not None:
                rows = rows.filter(**_service_filter(model, services))
            ids = set(rows.values_list("pk", flat=True))
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


def subject_access_document(client: Client, *, generated_by, services=None) -> dict:
    """A client's records and the list of who accessed them, for a subject
    access request (UK GDPR article 15): with `services` (a manager's
    download), only those services' records and access events, and the file
    says which services it covers."""
    records = {}
    found = client_records(client, services)
    for model, queryset in sorted(found.items(), key=lambda kv: kv[0]._meta.label):
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
        for event in _events_within(access_events_for(client), services).order_by("at", "pk")
    ]
    if services is None:
        covers = "every service of the provider"
    else:
        covers = ", ".join(s.name for s in Service.objects.filter(pk__in=services).order_by("name"))
    return {
        "document": "Subject access request: all records held about one client",
        "covers_services": covers,
        "scope_note": (
            "This file holds the records of the services named in covers_services only. "
            "A request for everything the provider holds is answered by the information "
            "governance lead, who collects one file from a manager of each service."
        ),
        "generated_at": clock.now(),
        "generated_by": str(generated_by),
        "records": records,
        "access_log": access,
    }


def _events_within(events: models.QuerySet, services) -> models.QuerySet:
    """Access events made in the covered services, and break-glass opening
    of the record (its managers were told of those already)."""
    if services is None:
        return events
    return events.filter(models.Q(service__in=services) | models.Q(kind=AccessKind.BREAK_GLASS))


def subject_access_json(client: Client, *, generated_by, services=None) -> str:
    return json.dumps(
        subject_access_document(client, generated_by=generated_by, services=services),
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


def break_glass_attempt_log(*, request: HttpRequest, outcome: str, category: str = "") -> None:
    """Every sending of the break-glass form, without its search terms."""
    BreakGlassAttempt.objects.create(  # type: ignore[misc]
        user=request.user,
        at=clock.now(),
        category=category[:20],
        outcome=outcome,
        request_id=getattr(request, "request_id", "")[:64],
    )
    log.info("break-glass attempt user_id=%s outcome=%s", request.user.pk, outcome)


def break_glass_attempts_exhausted(user) -> bool:
    """The hourly limit: BREAK_GLASS_ATTEMPTS_PER_HOUR sendings per user."""
    from django.conf import settings

    since = clock.now() - dt.timedelta(hours=1)
    recent = BreakGlassAttempt.objects.filter(user=user, at__gte=since)
    return recent.exclude(outcome=BreakGlassAttempt.Outcome.LIMITED).count() >= (
        settings.BREAK_GLASS_ATTEMPTS_PER_HOUR
    )


def break_glass_open(
    *, request: HttpRequest, client: Client, reason: str, category: str = ""
) -> AccessEvent:
    """Open a record outside the user's services: logged as break-glass with
    the reason, and the managers of the client's services are told (by id,
    through Celery, with no client identifier in the message)."""
    with transaction.atomic():
        visible = Client.objects.visible_to(request.user).filter(pk=client.pk).exists()
        if visible:
            return record_access(request=request, client=client, kind=AccessKind.VIEW)
        event = record_access(
            request=request, client=client, reason=reason, reason_category=category
        )
        service_ids = sorted(
            set(Referral.objects.filter(client=client).values_list("service_id", flat=True))
        )
        _queue_notice(event, service_ids)
    log.info("break-glass access event_id=%s user_id=%s", event.pk, request.user.pk)
    return event


def _queue_notice(event: AccessEvent, service_ids: list[int]) -> None:
    """The managers' notice is a row first (sent once, swept if its publish
    is lost), then a task that sends it after the commit."""
    from audit.models import BreakGlassNotice
    from audit.tasks import send_break_glass_notice
    from nectos.publish import publish_on_commit

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
            and (issubclass(f.related_model, CodeList) or f.related_model in (user_model, Service))  # type: ignore[arg-type]
        }
        rows = [
            [(str(f.verbose_name).capitalize(), _display(obj, f, loaded)) for f in fields]
            for obj in records[model].select_related(*loaded)
        ]
        sections.append({"title": str(model._meta.verbose_name_plural).capitalize(), "rows": rows})
    return sections
