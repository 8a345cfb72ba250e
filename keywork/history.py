"""Who changed what on a contact, read from django-pghistory's event tables.

Triggers write an event row for every insert, update and delete of Contact
and ContactIntervention (bulk writes included), each tied to a pghistory
context whose metadata names the user (HistoryMiddleware in a request, the
actions' own pghistory.context otherwise) and, for deletions, the reason."""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

from clients.models import Attendance
from keywork.models import Contact, ContactType, Episode, Intervention, Mode
from services.models import User

# Fields shown in a contact's history, in form order, with their labels.
TRACKED_FIELDS = [
    ("contact_date", "Date"),
    ("contact_type", "Type"),
    ("mode", "Mode"),
    ("duration_minutes", "Minutes"),
    ("attendance", "Attendance"),
    ("note", "Confidential note"),
]
_CHOICES = {"contact_type": ContactType, "mode": Mode, "attendance": Attendance}


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in _CHOICES:
        return str(_CHOICES[name](value).label)
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}"
    return str(value)


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str  # "Logged", "Changed", "Deleted"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reason: str = ""


def _user_names(contexts) -> dict[int, str]:
    ids = {c.metadata.get("user") for c in contexts if c is not None and c.metadata}
    ids.discard(None)
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}


def _who(context, names: dict[int, str]) -> str:
    if context is None or not context.metadata.get("user"):
        return "the system"
    return names.get(context.metadata["user"], "a former user")


def contact_history(contact: Contact) -> list[HistoryEntry]:
    """Oldest first. Four queries: contact events, intervention events,
    intervention labels, users."""
    ContactEvent = apps.get_model("keywork", "ContactEvent")
    ContactInterventionEvent = apps.get_model("keywork", "ContactInterventionEvent")
    events = list(
        ContactEvent.objects.filter(pgh_obj_id=contact.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    link_events = list(
        ContactInterventionEvent.objects.filter(contact_id=contact.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    labels = dict(Intervention.objects.values_list("code", "label"))
    names = _user_names([e.pgh_context for e in events + link_events])

    entries: dict[object, HistoryEntry] = {}
    previous = None
    for event in events:
        key = event.pgh_context_id or ("event", event.pgh_id)
        entry = entries.setdefault(
            key,
            HistoryEntry(
                when=event.pgh_created_at,
                who=_who(event.pgh_context, names),
                action={"insert": "Logged", "delete": "Deleted"}.get(event.pgh_label, "Changed"),
            ),
        )
        if event.pgh_label == "update" and previous is not None:
            for name, label in TRACKED_FIELDS:
                before, after = getattr(previous, name), getattr(event, name)
                if before != after:
                    entry.changes.append((label, _shown(name, before), _shown(name, after)))
        if event.pgh_label == "delete":
            entry.reason = event.pgh_context.metadata.get("reason", "") if event.pgh_context else ""
        previous = event
    for event in link_events:
        key = event.pgh_context_id or ("link", event.pgh_id)
        entry = entries.setdefault(
            key,
            HistoryEntry(
                when=event.pgh_created_at, who=_who(event.pgh_context, names), action="Changed"
            ),
        )
        label = labels.get(event.intervention_id, event.intervention_id)
        (entry.added if event.pgh_label == "insert" else entry.removed).append(label)
    ordered = sorted(entries.values(), key=lambda e: e.when)
    # An update that changed nothing shown (a save with the same values) is noise.
    return [e for e in ordered if e.action != "Changed" or e.changes or e.added or e.removed]


@dataclass(frozen=True)
class DeletedContact:
    contact_date: dt.date
    contact_type: str
    attendance: str
    deleted_at: dt.datetime
    deleted_by: str
    reason: str


def deleted_contacts(episode: Episode, limit: int = 50) -> list[DeletedContact]:
    """The episode's deleted contacts, newest deletion first. Two queries."""
    ContactEvent = apps.get_model("keywork", "ContactEvent")
    events = list(
        ContactEvent.objects.filter(episode_id=episode.pk, pgh_label="delete")
        .select_related("pgh_context")
        .order_by("-pgh_id")[:limit]
    )
    names = _user_names([e.pgh_context for e in events])
    return [
        DeletedContact(
            contact_date=e.contact_date,
            contact_type=_shown("contact_type", e.contact_type),
            attendance=_shown("attendance", e.attendance),
            deleted_at=timezone.localtime(e.pgh_created_at),
            deleted_by=_who(e.pgh_context, names),
            reason=(e.pgh_context.metadata.get("reason", "") if e.pgh_context else ""),
        )
        for e in events
    ]
