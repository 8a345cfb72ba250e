"""Reads of the pathway that need episodes: the caseload, the waiting list and
the client record. Each page is a fixed handful of queries whatever the
numbers; everything starts from `visible_to(user)`."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.dispatch import Signal

from clients.models import Appointment, Attendance, Client, Referral
from keywork.models import Contact, ContactIntervention, Episode, KeyworkAppointment
from nectos import clock
from services.models import CLINICAL_ROLES, Service, User

CASELOAD_PAGE_SIZE = 50
WAITING_PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 30

# Hooks for higher floors, sent after a page's rows are loaded. A receiver
# may set attributes on the rows it is given with one query for the whole
# page, without keywork importing it.
# sender=Episode, episodes=[Episode, ...], user=User, back=the page's path;
# each episode has `badges`, a list a receiver appends RowBadges to.
caseload_loaded = Signal()
# sender=Referral, referrals=[Referral, ...], user=User
waiting_list_loaded = Signal()
# sender=Client, client=Client, episodes=[Episode, ...] (visible ones, newest first), user=User
record_loaded = Signal()


# --- Caseload ----------------------------------------------------------------


@dataclass(frozen=True)
class RowBadge:
    """A sign on a caseload row (a follow-up form due, a drug test today,
    goals to review), given as data by whichever floor knows it, so that a
    row draws all its signs in one loop rather than a template each."""

    rank: int  # left to right
    text: str  # the row's client is added for screen readers
    href: str
    colour: str  # classes beside "badge rounded-pill"
    testid: str


def caseload_staff(user) -> list[User]:
    """Whose caseload the user may open: a manager, anyone clinical in the
    services they manage; anyone else, only their own."""
    if not Service.objects.has_managed(user):
        return []
    staff = (
        User.objects.filter(
            memberships__service__in=Service.objects.managed_ids(user),
            memberships__role__in=CLINICAL_ROLES,
        )
        .distinct()
        .order_by("full_name", "username")
    )
    return list(staff)


def _last_attended_contact() -> Subquery:
    contacts = Contact.objects.filter(episode=OuterRef("pk"), attendance=Attendance.ATTENDED)
    return Subquery(contacts.order_by("-contact_date").values("contact_date")[:1])


def _next_appointment(today: dt.date) -> Subquery:
    """The next booked keywork appointment from today on."""
    booked = KeyworkAppointment.objects.booked().filter(
        episode=OuterRef("pk"), appointment_date__gte=today
    )
    return Subquery(booked.order_by("appointment_date").values("appointment_date")[:1])


# Each key sorts its column's displayed value ascending; "-key" descending.
CASELOAD_SORTS = {
    "client": ("referral__client__initials", "referral__client__preferred_name", "pk"),
    "tier": ("tier", "-start_date", "pk"),
    "days": ("-start_date", "pk"),
    # Days since the last attended contact; never seen counts as longest.
    "seen": (F("last_contact").desc(nulls_last=True), "-start_date", "pk"),
    "next": (F("next_appointment").asc(nulls_last=True), "pk"),
    "keyworker": ("keyworker__full_name", "keyworker__username", "-start_date", "pk"),
}
# Who has gone longest without being seen comes first.
DEFAULT_CASELOAD_SORT = "-seen"


def _reverse(order: tuple) -> tuple:
    flipped = []
    for term in order:
        if isinstance(term, str):
            flipped.append(term[1:] if term.startswith("-") else f"-{term}")
        else:
            flipped.append(term.copy().reverse_ordering())
    return tuple(flipped)


def ordering(sorts: dict, sort: str, default: str) -> tuple:
    key = sort.lstrip("-")
    if key not in sorts:
        key, sort = default.lstrip("-"), default
    order = sorts[key]
    return _reverse(order) if sort.startswith("-") else order


def caseload(user, *, worker: User | None, sort: str, today: dt.date | None = None) -> QuerySet:
    """Open episodes on a caseload. `worker` None means every keyworker of
    the services the user manages."""
    today = today or clock.today()
    episodes = Episode.objects.visible_to(user).open()
    if worker is None:
        episodes = episodes.filter(referral__service__in=Service.objects.managed_ids(user))
    else:
        episodes = episodes.filter(keyworker=worker)
        if worker != user:
            episodes = episodes.filter(referral__service__in=Service.objects.managed_ids(user))
    order = ordering(CASELOAD_SORTS, sort, DEFAULT_CASELOAD_SORT)
    return (
        episodes.select_related("referral__client", "referral__service", "keyworker")
        .annotate(last_contact=_last_attended_contact(), next_appointment=_next_appointment(today))
        .order_by(*order)
    )


def caseload_page(
    user, *, worker: User | None, sort: str, page: int | str, back: str = "/caseload/"
) -> Page:
    """A page of the caseload; `back` is where the rows' badges return to."""
    today = clock.today()
    paginator = Paginator(caseload(user, worker=worker, sort=sort, today=today), CASELOAD_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    episodes = list(page_obj.object_list)
    for episode in episodes:
        episode.days_in_treatment = (today - episode.start_date).days
        episode.days_since_contact = (
            (today - episode.last_contact).days if episode.last_contact else None
        )
        episode.badges = []
    caseload_loaded.send(sender=Episode, episodes=episodes, user=user, back=back)
    for episode in episodes:
        episode.badges.sort(key=lambda badge: badge.rank)
    return page_obj


def unresolved_appointments(user, today: dt.date | None = None) -> QuerySet:
    """Past assessment appointments with no outcome recorded: a worklist, never
    resolved by the system on its own."""
    today = today or clock.today()
    return (
        Appointment.objects.visible_to(user)
        .unresolved(today)
        .filter(referral__episode__isnull=True)
    )


# --- Waiting list ------------------------------------------------------------


class Stage:
    UNRESOLVED = "unresolved"
    TO_BOOK = "to_book"
    BOOKED = "booked"
    ASSESSED = "assessed"

    labels = {
        UNRESOLVED: "Outcome not recorded",
        TO_BOOK: "Needs an appointment",
        BOOKED: "Appointment booked",
        ASSESSED: "Assessed, not started",
    }
    order = [UNRESOLVED, TO_BOOK, BOOKED, ASSESSED]


WAITING_SORTS = {
    # Outcomes to record first, then those needing a booking, longest waiting first.
    "stage": ("stage_rank", "referral_date", "pk"),
    "days": ("-referral_date", "-pk"),
    "client": ("client__initials", "client__preferred_name", "pk"),
    "service": ("service__name", "referral_date", "pk"),
    "last": (F("last_appointment_date").asc(nulls_first=True), "referral_date", "pk"),
}
DEFAULT_WAITING_SORT = "stage"


def waiting_list(
    user,
    *,
    service: Service | None = None,
    stage: str = "",
    sort: str = DEFAULT_WAITING_SORT,
    today: dt.date | None = None,
) -> QuerySet:
    """Referrals not yet started: not yet assessed, or assessed and waiting.

    A referral is left off once a later referral of the same client to the
    same service supersedes it (the newer one carries the story on)."""
    today = today or clock.today()
    referrals = Referral.objects.visible_to(user).filter(episode__isnull=True)
    if service is not None:
        referrals = referrals.filter(service=service)
    later = Referral.objects.filter(client=OuterRef("client"), service=OuterRef("service")).filter(
        Q(referral_date__gt=OuterRef("referral_date"))
        | Q(referral_date=OuterRef("referral_date"), pk__gt=OuterRef("pk"))
    )
    appointments = Appointment.objects.filter(referral=OuterRef("pk"))
    last = appointments.order_by("-appointment_date", "-pk")
    referrals = (
        referrals.exclude(Exists(later))
        .annotate(
            last_appointment_date=Subquery(last.values("appointment_date")[:1]),
            last_appointment_attendance=Subquery(last.values("attendance")[:1]),
            last_appointment_id=Subquery(last.values("pk")[:1]),
            last_appointment_offered=Subquery(last.values("offered_date")[:1]),
            assessed_on=Subquery(
                appointments.filter(attendance=Attendance.ATTENDED)
                .order_by("appointment_date")
                .values("appointment_date")[:1]
            ),
        )
        .alias(
            has_unresolved=Exists(appointments.filter(attendance="", appointment_date__lt=today)),
            has_booked=Exists(appointments.filter(attendance="", appointment_date__gte=today)),
        )
    )
    # The stage as its place in Stage.order, worked out once: SQL cannot
    # name a column of the same SELECT, so a stage column that the rank
    # then compared four times wrote (and Django compiled) its subqueries
    # sixteen times over. The row's stage is read back from the rank.
    referrals = referrals.annotate(
        stage_rank=Case(
            When(has_unresolved=True, then=Value(Stage.order.index(Stage.UNRESOLVED))),
            When(assessed_on__isnull=False, then=Value(Stage.order.index(Stage.ASSESSED))),
            When(has_booked=True, then=Value(Stage.order.index(Stage.BOOKED))),
            default=Value(Stage.order.index(Stage.TO_BOOK)),
            output_field=IntegerField(),
        ),
    )
    if stage in Stage.labels:
        referrals = referrals.filter(stage_rank=Stage.order.index(stage))
    order = ordering(WAITING_SORTS, sort, DEFAULT_WAITING_SORT)
    return referrals.select_related("client", "service", "source").order_by(*order)


def waiting_list_page(
    user, *, service: Service | None, stage: str, sort: str, page: int | str
) -> tuple[Page, dict[str, int]]:
    """A page of the waiting list, and how many referrals wait at each stage
    (waiting_counts). The list is built once for both: its subqueries take
    as long to build as a small service's list takes to run. The stage
    counts give the paginator its count, which would otherwise wrap the
    whole list and its subqueries in a count query of its own."""
    today = clock.today()
    every_stage = waiting_list(user, service=service, sort=sort, today=today)
    counts = _stage_counts(every_stage)
    shown = stage in Stage.labels
    rows = every_stage.filter(stage_rank=Stage.order.index(stage)) if shown else every_stage
    paginator = Paginator(rows, WAITING_PAGE_SIZE)
    paginator.count = counts[stage] if shown else sum(counts.values())
    page_obj = paginator.get_page(page)
    for referral in page_obj.object_list:
        referral.days_waiting = (today - referral.referral_date).days
        referral.stage = Stage.order[referral.stage_rank]
        referral.stage_label = Stage.labels[referral.stage]
        referral.last_appointment = None
        if referral.last_appointment_id:
            # Built from the annotations: no query per row.
            appointment = Appointment(
                pk=referral.last_appointment_id,
                referral=referral,
                offered_date=referral.last_appointment_offered,
                appointment_date=referral.last_appointment_date,
                attendance=referral.last_appointment_attendance,
            )
            appointment.is_latest = True  # type: ignore[attr-defined]
            referral.last_appointment = appointment
    waiting_list_loaded.send(sender=Referral, referrals=list(page_obj.object_list), user=user)
    return page_obj, counts


def _stage_counts(rows: QuerySet) -> dict[str, int]:
    grouped = rows.order_by().values("stage_rank").annotate(n=Count("pk"))
    counts = dict.fromkeys(Stage.order, 0)
    counts.update({Stage.order[row["stage_rank"]]: row["n"] for row in grouped})
    return counts


def waiting_counts(user, *, service: Service | None) -> dict[str, int]:
    """How many referrals wait at each stage (one grouped query)."""
    return _stage_counts(waiting_list(user, service=service))


# --- Client record -------------------------------------------------------------


@dataclass
class ClientRecord:
    client: Client
    referrals: list[Referral]
    episodes: list[Episode]
    current_episode: Episode | None
    waiting_referrals: list[Referral]
    appointments: dict[int, list[Appointment]] = field(default_factory=dict)


def client_record(user, client: Client) -> ClientRecord:
    """The client's referrals (only those to the user's services), their
    episodes and appointments: three queries."""
    today = clock.today()
    referrals = list(
        Referral.objects.visible_to(user)
        .filter(client=client)
        .select_related(
            "service",
            "source",
            "primary_substance",
            "episode__keyworker",
            "episode__discharge_reason",
        )
        .order_by("referral_date", "pk")
    )
    appointments: dict[int, list[Appointment]] = {r.pk: [] for r in referrals}
    for appointment in Appointment.objects.filter(referral__in=[r.pk for r in referrals]).order_by(
        "appointment_date", "pk"
    ):
        appointments[appointment.referral_id].append(appointment)
    episodes: list[Episode] = []
    number = 0
    for referral in referrals:
        referral.client = client  # the one client, not a query per referral
        referral.appointment_list = appointments[referral.pk]
        referral.days_waiting = (today - referral.referral_date).days
        for appointment in referral.appointment_list:
            appointment.referral = referral  # no query per appointment
            appointment.is_latest = appointment is referral.appointment_list[-1]
        episode = getattr(referral, "episode", None)
        referral.episode_or_none = episode
        if episode is not None:
            number += 1
            episode.number = number
            episode.returned = number > 1
            episode.days_in_treatment = ((episode.end_date or today) - episode.start_date).days
            episodes.append(episode)
    current = next((e for e in reversed(episodes) if e.is_open), None)
    if current is not None:
        last = (
            current.contacts.filter(attendance=Attendance.ATTENDED)
            .order_by("-contact_date")
            .values_list("contact_date", flat=True)
            .first()
        )
        # Page attributes on the instance, which the stubs cannot see.
        current.last_contact = last  # type: ignore[attr-defined]
        current.days_since_contact = (today - last).days if last else None  # type: ignore[attr-defined]
        current.planned_day = current.days_in_treatment + 1 if current.planned_days else None  # type: ignore[attr-defined]
    # Waiting: no episode yet, and no later referral to the same service
    # (which would carry the story on; the older one stays on the timeline).
    waiting, seen_services = [], set()
    for referral in reversed(referrals):
        if referral.episode_or_none is None and referral.service_id not in seen_services:
            waiting.append(referral)
        seen_services.add(referral.service_id)
    record = ClientRecord(
        client=client,
        referrals=list(reversed(referrals)),
        episodes=list(reversed(episodes)),
        current_episode=current,
        waiting_referrals=waiting,
        appointments=appointments,
    )
    record_loaded.send(sender=Client, client=client, episodes=record.episodes, user=user)
    return record


# Kinds of timeline event. On the same day the later step of the pathway
# comes first (newest first).
REFERRAL, APPOINTMENT, EPISODE_START, CONTACT, FORM, EPISODE_END = range(6)


@dataclass
class Event:
    day: dt.date
    kind: int
    obj: object

    @property
    def kind_name(self) -> str:
        return {
            REFERRAL: "referral",
            APPOINTMENT: "appointment",
            EPISODE_START: "episode_start",
            CONTACT: "contact",
            FORM: "form",
            EPISODE_END: "episode_end",
        }[self.kind]


# Outcome forms join the timeline from above: outcomes' AppConfig.ready()
# names its model here, so keywork never imports outcomes. Without it the
# timeline simply has no forms.
# Each registered form model has `objects`, which type[Model] does not show.
_timeline_forms: list[type[Model]] = []


def timeline_forms_register(model: type[Model]) -> None:
    """The model of the dated forms (episode, form_date) the timeline shows."""
    _timeline_forms[:] = [model]


def _events(rows: QuerySet, day: str, kind: int) -> QuerySet:
    return (
        rows.order_by()
        .annotate(ev_day=F(day), ev_kind=Value(kind, IntegerField()))
        .values_list("ev_day", "ev_kind", "pk")
    )


def timeline_page(user, record: ClientRecord, page: int | str) -> Page:
    """Every referral, appointment, episode start and end, contact and outcome
    form of the client in the user's services, newest first, a page at a time.

    One UNION query picks the page (plus one to count); contacts and forms on
    it are then fetched by id; the rest come from the record already loaded."""
    referral_ids = [r.pk for r in record.referrals]
    episode_ids = [e.pk for e in record.episodes]
    union = _events(Referral.objects.filter(pk__in=referral_ids), "referral_date", REFERRAL).union(
        _events(
            Appointment.objects.filter(referral__in=referral_ids), "appointment_date", APPOINTMENT
        ),
        _events(Episode.objects.filter(pk__in=episode_ids), "start_date", EPISODE_START),
        _events(
            Episode.objects.filter(pk__in=episode_ids, end_date__isnull=False),
            "end_date",
            EPISODE_END,
        ),
        _events(Contact.objects.filter(episode__in=episode_ids), "contact_date", CONTACT),
        *(
            _events(m.objects.filter(episode__in=episode_ids), "form_date", FORM)  # type: ignore[attr-defined]
            for m in _timeline_forms
        ),
        all=True,
    )
    page_obj = Paginator(union.order_by("-ev_day", "-ev_kind", "-pk"), TIMELINE_PAGE_SIZE).get_page(
        page
    )
    rows = list(page_obj.object_list)
    contact_ids = [pk for _, kind, pk in rows if kind == CONTACT]
    form_ids = [pk for _, kind, pk in rows if kind == FORM]
    contacts = (
        {c.pk: c for c in Contact.objects.filter(pk__in=contact_ids).select_related("recorded_by")}
        if contact_ids
        else {}
    )
    # Each contact's interventions as their labels, in the code list's
    # order: what the timeline shows, read from the link table in one
    # query (a prefetch of the many-to-many cost four times as much to build).
    labels: dict[int, list[str]] = {pk: [] for pk in contacts}
    if contacts:
        for contact_id, label in (
            ContactIntervention.objects.filter(contact__in=list(contacts))
            .order_by("intervention__sort_order", "intervention__code", "pk")
            .values_list("contact_id", "intervention__label")
        ):
            labels[contact_id].append(label)
    for pk, contact in contacts.items():
        contact.intervention_list = labels[pk]
    forms = {
        f.pk: f
        for m in _timeline_forms
        if form_ids
        for f in m.objects.filter(pk__in=form_ids)  # type: ignore[attr-defined]
    }
    referrals = {r.pk: r for r in record.referrals}
    episodes = {e.pk: e for e in record.episodes}
    appointments = {a.pk: a for items in record.appointments.values() for a in items}
    lookup: dict[int, dict[int, Any]] = {
        REFERRAL: referrals,
        APPOINTMENT: appointments,
        EPISODE_START: episodes,
        EPISODE_END: episodes,
        CONTACT: contacts,
        FORM: forms,
    }
    page_obj.object_list = [Event(day, kind, lookup[kind][pk]) for day, kind, pk in rows]
    return page_obj


def first_attended_assessment(referral: Referral) -> dt.date | None:
    return (
        referral.appointments.filter(attendance=Attendance.ATTENDED)
        .order_by("appointment_date")
        .values_list("appointment_date", flat=True)
        .first()
    )


def in_treatment_on(service: Service, day: dt.date) -> QuerySet:
    """Episodes of the service that are in treatment on `day`."""
    return Episode.objects.filter(referral__service=service, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def enrollable_episodes(session) -> QuerySet:
    """Who may still be enrolled in a group session: in treatment at the
    service on its date and not enrolled yet."""
    return in_treatment_on(session.service, session.session_date).exclude(
        group_enrolments__session=session
    )
