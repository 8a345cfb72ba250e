"""The demo as a living service on the day it is generated.

The bundle carries the pathway up to yesterday (synthetic.default_as_of);
it has no place for what a service plans or runs week to week. This adds
it after the import, through the keywork actions where an action exists:
a few contacts today, keywork appointments booked over the coming two
weeks, some past ones nobody has recorded an outcome for, care-plan goals
with reviews falling due this week, the weekly groups and the day
programme with their registers, and drop-in sessions with named and
anonymous attendance (among them referred clients not yet assessed, whom
the waiting list shows as engaged).

Everything is drawn from one seeded generator, so the same seed on the
same day gives the same demo."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery

from clients.models import Appointment, Attendance, Referral
from keywork.actions.careplans import goal_add
from keywork.actions.contacts import appointment_book, contact_log
from keywork.actions.dropin import drop_in_attendance_add, drop_in_session_create
from keywork.actions.groups import (
    RegisterRow,
    group_enrol,
    group_register_record,
    group_session_create,
)
from keywork.models import (
    Contact,
    ContactType,
    Episode,
    GoalDomain,
    GroupEnrolment,
    GroupSession,
    Intervention,
    KeyworkAppointment,
    Mode,
)
from nectos import clock
from services.models import Membership, Role, Service, User

DAY = dt.timedelta(days=1)
AHEAD_DAYS = 14
# How far back the weekly groups and drop-in have sessions on screen.
SESSIONS_BACK_DAYS = 42
# Demo contacts of the last weeks are signed by the episode's keyworker, so
# "My week" and the contact lists name who recorded them.
SIGNED_BACK_DAYS = 28

# Weekly groups: service code -> (weekday, title). The weekdays are the
# ones the simulation gives group contacts on (demo_profiles).
GROUPS = {
    "NTH": (3, "Thursday recovery group"),
    "STH": (1, "Tuesday peer support"),
    "RES": (0, "Monday community meeting"),
}
# The structured day programme: service code -> weekdays (simulation's).
PROGRAMME = {"WST": ((1, 3), "Day programme")}
# Drop-in days at the services that run one.
DROP_IN_WEEKDAYS = (0, 2, 4)

SLOTS = [dt.time(h, m) for h in (9, 10, 11, 13, 14, 15) for m in (0, 30)]

GOALS = {
    GoalDomain.DRUG_USE: [
        "Have three days a week without using crack",
        "Stop using before I go to work",
        "Cut down to weekends only",
    ],
    GoalDomain.PHYSICAL_HEALTH: ["Get my chest checked at the GP", "Eat one proper meal a day"],
    GoalDomain.MENTAL_HEALTH: ["Sleep through the night more often", "Talk to someone when low"],
    GoalDomain.HOUSING: ["Keep my tenancy", "Get on the council housing list"],
    GoalDomain.MONEY: ["Pay off the electricity arrears", "Sort out my Universal Credit claim"],
    GoalDomain.RELATIONSHIPS: ["See my kids every weekend", "Stay away from old friends who use"],
    GoalDomain.WORK_AND_LEARNING: ["Start a volunteering placement", "Finish the cooking course"],
}


@dataclass
class Liveliness:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def lines(self) -> list[str]:
        return [f"  {name}: {n}" for name, n in sorted(self.counts.items())]


def _weekdays_between(start: dt.date, end: dt.date, weekdays) -> list[dt.date]:
    day, out = start, []
    while day <= end:
        if day.weekday() in weekdays:
            out.append(day)
        day += DAY
    return out


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += DAY
    return day


def _evening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=clock.now().tzinfo)


@transaction.atomic
def bring_to_life(*, seed: int, service_codes: list[str]) -> Liveliness:
    rng = random.Random(f"liveliness-{seed}")
    today = clock.today()
    result = Liveliness()
    services = {s.code: s for s in Service.objects.filter(code__in=service_codes)}
    if GroupSession.objects.filter(service__in=services.values()).exists():
        # Brought to life already (generate_demo run again over its demo):
        # a second pass would book everything twice. --fresh starts anew.
        result.counts["nothing added: the demo already runs sessions"] = 0
        return result
    managers = {
        m.service_id: m.user
        # Where a service has two managers (a hub's and its own), its own
        # one, the later membership, runs its sessions: the same each time.
        for m in Membership.objects.filter(service__in=services.values(), role=Role.MANAGER)
        .select_related("user")
        .order_by("pk")
    }
    interventions = sorted(Intervention.objects.values_list("code", flat=True))
    open_episodes = list(
        Episode.objects.filter(referral__service__in=services.values(), end_date__isnull=True)
        .select_related("referral__service", "referral__client", "keyworker")
        .order_by("pk")
    )

    _sign_recent_contacts(services.values(), today, result)
    _keywork(rng, open_episodes, interventions, today, result)
    _goals(rng, open_episodes, today, result)
    for code, (weekday, title) in GROUPS.items():
        if code in services:
            _weekly_sessions(
                rng, services[code], managers, (weekday,), title, ContactType.GROUP, 90, today,
                result,
            )  # fmt: skip
    for code, (weekdays, title) in PROGRAMME.items():
        if code in services:
            _weekly_sessions(
                rng, services[code], managers, weekdays, title, ContactType.DAY_PROGRAMME, 180,
                today, result,
            )  # fmt: skip
    for service in services.values():
        if service.open_access_drop_in:
            _drop_in(rng, service, managers, open_episodes, today, result)
    return result


def _sign_recent_contacts(services, today: dt.date, result: Liveliness) -> None:
    keyworker = Episode.objects.filter(pk=OuterRef("episode_id")).values("keyworker_id")[:1]
    result.counts["contacts signed by their keyworker"] = Contact.objects.filter(
        episode__referral__service__in=services,
        recorded_by__isnull=True,
        contact_date__gte=today - SIGNED_BACK_DAYS * DAY,
    ).update(recorded_by=Subquery(keyworker))


def _keywork(rng, episodes, interventions, today: dt.date, result: Liveliness) -> None:
    seen_by: dict[int, int] = defaultdict(int)
    for episode in episodes:
        keyworker = episode.keyworker
        roll = rng.random()
        # Every keyworker sees someone on the day (one in eight of their
        # caseload, about the study's weekly rhythm for a working day).
        seen_by[keyworker.pk] += 1
        if seen_by[keyworker.pk] % 8 == 1:
            roll = 0.0
        if roll < 0.12:
            # Seen today: a morning appointment, resolved by its contact.
            booked = appointment_book(
                episode=episode,
                acting_user=keyworker,
                appointment_date=today,
                appointment_time=rng.choice(SLOTS[:6]),
                mode=Mode.IN_PERSON,
            )
            contact_log(
                episode=episode,
                acting_user=keyworker,
                contact_date=today,
                duration_minutes=rng.choice((30, 45, 60)),
                interventions=[rng.choice(interventions)],
                appointment=booked,
            )
            result.counts["keywork contacts today"] += 1
        elif roll < 0.18:
            # Booked for this afternoon: not seen yet.
            appointment_book(
                episode=episode,
                acting_user=keyworker,
                appointment_date=today,
                appointment_time=rng.choice(SLOTS[6:]),
            )
            result.counts["appointments booked"] += 1
        elif roll < 0.28:
            # The day has passed and nobody has said whether the client came.
            # appointment_book refuses a past date, as it should for a user:
            # written directly, as it would stand had it been booked then.
            past = today - rng.randint(1, 6) * DAY
            if past.weekday() >= 5:
                past -= 2 * DAY
            if past >= episode.start_date:
                KeyworkAppointment.objects.create(
                    episode=episode,
                    appointment_date=past,
                    appointment_time=rng.choice(SLOTS),
                    staff=keyworker,
                    booked_by=keyworker,
                )
                result.counts["past appointments with no outcome"] += 1
        if roll < 0.85:
            # Most open episodes have their next keywork session booked.
            day = _next_weekday(today + rng.randint(1, AHEAD_DAYS - 2) * DAY)
            appointment_book(
                episode=episode,
                acting_user=keyworker,
                appointment_date=day,
                appointment_time=rng.choice(SLOTS),
                mode=rng.choice((Mode.IN_PERSON,) * 4 + (Mode.TELEPHONE,)),
            )
            result.counts["appointments booked"] += 1


def _goals(rng, episodes, today: dt.date, result: Liveliness) -> None:
    week_start = today - today.weekday() * DAY
    domains = list(GOALS)
    for episode in episodes:
        if rng.random() < 0.2:
            continue
        for domain in rng.sample(domains, rng.randint(1, 3)):
            set_on = max(episode.start_date, today - rng.randint(3, 50) * DAY)
            if rng.random() < 0.3:
                # Falls due this week (some earlier this week: overdue by now).
                review = max(set_on, week_start + rng.randint(0, 6) * DAY)
            else:
                review = max(set_on, today) + rng.randint(8, 28) * DAY
            goal_add(
                episode=episode,
                acting_user=episode.keyworker,
                text=rng.choice(GOALS[domain]),
                domain=domain,
                set_on=set_on,
                next_review_date=review,
            )
            result.counts["goals"] += 1


def _weekly_sessions(
    rng, service, managers, weekdays, title, kind, minutes, today, result: Liveliness
) -> None:
    """Past sessions carry the simulation's attended contacts as their
    register; the next two weeks' are scheduled, with everyone who came
    lately (the day programme: everyone within their twelve weeks)
    enrolled."""
    staff = list(
        User.objects.filter(
            memberships__service=service, memberships__role=Role.KEYWORKER
        ).order_by("username")
    )
    manager = managers.get(service.pk) or staff[0]
    days = _weekdays_between(
        today - SESSIONS_BACK_DAYS * DAY, today + AHEAD_DAYS * DAY, set(weekdays)
    )
    past = [d for d in days if d < today]
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(
        episode__referral__service=service,
        contact_type=kind,
        contact_date__in=past,
        group_enrolment__isnull=True,
    ).order_by("pk"):
        contacts[contact.contact_date].append(contact)
    recent_episodes: set[int] = set()
    last_came: set[int] = set()
    for day in days:
        session = group_session_create(
            service=service,
            acting_user=manager,
            session_date=day,
            title=title,
            kind=kind,
            facilitator=rng.choice(staff),
            duration_minutes=minutes,
            copy_enrolment=False,
        )
        result.counts[f"{kind} sessions"] += 1
        if day < today:
            came = contacts.get(day, [])
            GroupEnrolment.objects.bulk_create(
                [GroupEnrolment(session=session, episode_id=c.episode_id, contact=c) for c in came]
            )
            # Most of those who came last time and not this time were still
            # enrolled: the register records them as not attending.
            absent = sorted(last_came - {c.episode_id for c in came})
            absent = [pk for pk in absent if rng.random() < 0.6]
            absent = list(
                _in_treatment(service, day).filter(pk__in=absent).values_list("pk", flat=True)
            )
            if absent:
                group_enrol(session=session, acting_user=manager, episode_ids=absent)
                group_register_record(
                    session=session,
                    acting_user=session.facilitator,
                    rows=[
                        RegisterRow(e.pk, Attendance.DNA, None)
                        for e in session.enrolments.filter(contact__isnull=True)
                    ],
                )
                result.counts[f"{kind} non-attendances"] += len(absent)
            last_came = {c.episode_id for c in came}
            recent_episodes.update(last_came)
            if came or absent:
                GroupSession.objects.filter(pk=session.pk).update(
                    register_taken_at=_evening(day), register_taken_by=session.facilitator
                )
            continue
        if kind == ContactType.DAY_PROGRAMME:
            weeks = service.day_programme_weeks or 12
            wanted = Episode.objects.filter(
                referral__service=service,
                end_date__isnull=True,
                start_date__lte=day,
                start_date__gt=day - dt.timedelta(weeks=weeks),
            ).values_list("pk", flat=True)
        else:
            wanted = Episode.objects.filter(
                pk__in=recent_episodes, end_date__isnull=True
            ).values_list("pk", flat=True)
        result.counts[f"{kind} enrolments ahead"] += group_enrol(
            session=session, acting_user=manager, episode_ids=list(wanted)
        )


def _in_treatment(service, day: dt.date):
    return Episode.objects.filter(referral__service=service, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def _drop_in(rng, service, managers, open_episodes, today, result: Liveliness) -> None:
    staff = list(
        User.objects.filter(
            memberships__service=service, memberships__role=Role.KEYWORKER
        ).order_by("username")
    )
    by = staff[0] if staff else managers[service.pk]
    in_treatment = list(
        {
            e.referral.client_id: e.referral.client
            for e in open_episodes
            if e.referral.service_id == service.pk
        }.values()
    )
    sessions = []
    for day in _weekdays_between(today - SESSIONS_BACK_DAYS * DAY, today, set(DROP_IN_WEEKDAYS)):
        session = drop_in_session_create(
            service=service,
            acting_user=rng.choice(staff) if staff else by,
            session_date=day,
            label="Afternoon",
            anonymous_count=rng.randint(2, 9),
        )
        sessions.append(session)
        result.counts["drop-in sessions"] += 1
        for client in rng.sample(in_treatment, min(len(in_treatment), rng.randint(1, 4))):
            drop_in_attendance_add(session=session, acting_user=by, client=client)
            result.counts["drop-in named attendances"] += 1
    # Referred lately, not yet assessed: about half have come to drop-in
    # meanwhile, which the waiting list shows as engagement.
    assessed = Appointment.objects.filter(referral=OuterRef("pk"), attendance=Attendance.ATTENDED)
    waiting = (
        Referral.objects.filter(
            service=service,
            episode__isnull=True,
            referral_date__gte=today - SESSIONS_BACK_DAYS * DAY,
        )
        .exclude(Exists(assessed))
        .select_related("client")
        .order_by("pk")
    )
    for referral in waiting:
        if rng.random() < 0.5:
            continue
        after = [s for s in sessions if s.session_date >= referral.referral_date]
        for session in rng.sample(after, min(len(after), rng.randint(1, 3))):
            if not session.attendances.filter(client=referral.client).exists():
                drop_in_attendance_add(session=session, acting_user=by, client=referral.client)
                result.counts["drop-in visits before assessment"] += 1
