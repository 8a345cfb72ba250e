"""NECTOS-shaped synthetic data: one simulation, shared by the demo (which
writes it as a bundle and imports it) and the national data set (which
bulk-loads it). Every draw comes from one seeded random.Random, walked in
a fixed order, so a seed always gives the same records.

The shapes, from the NECTOS briefing (domain.md): about 60% of referrals
assessed and 80% of those starting; over two fifths of starters gone
within 30 days, a tenth within a week, a third still in at 90; referral
source predicting attrition (criminal justice, GP and other drug services
least engaged, self-referrals most); keywork every ~4 days at the most
intensive service and every 9 to 13 elsewhere, median 60 minutes; crack on
~10 of 30 days at ~GBP 60 a day before treatment (Tier 4: ~25 days, ~GBP
100), falling sharply by day 30 and 90; clients who come back."""

import datetime as dt
import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from interchange import synthetic_top
from nectos import clock

DAY = dt.timedelta(days=1)

# Referrals span three years ending a week before "today"; activity
# (contacts, forms, appointments' outcomes) runs to the day before it, so a
# demo generated on any day is a service working up to that day.
REFERRALS_SPAN = dt.timedelta(days=3 * 365)
REFERRALS_END_BEFORE_AS_OF = dt.timedelta(days=6)


def default_as_of() -> dt.date:
    return clock.today() - DAY


def default_end() -> dt.date:
    return default_as_of() - REFERRALS_END_BEFORE_AS_OF


def default_start() -> dt.date:
    return default_end() - REFERRALS_SPAN


# source code, reporting group, share of referrals
SOURCES = [
    ("self", "self", 30),
    ("gp", "gp", 9),
    ("drug_service_statutory", "drug service", 9),
    ("drug_service_non_statutory", "drug service", 5),
    ("arrest_referral", "criminal justice", 8),
    ("drr", "criminal justice", 7),
    ("probation", "criminal justice", 8),
    ("prison", "criminal justice", 3),
    ("a_and_e", "health", 3),
    ("general_hospital", "health", 3),
    ("psychiatry", "health", 3),
    ("social_services", "social care", 4),
    ("relative", "other", 3),
    ("concerned_other", "other", 2),
    ("other", "other", 3),
]
# Engagement by reporting group: P(assessed), P(start | assessed), and the
# shift in the chance of leaving within 30 days.
ENGAGEMENT = {
    "self": (0.76, 0.88, -0.10),
    "gp": (0.46, 0.72, 0.10),
    "drug service": (0.48, 0.72, 0.10),
    "criminal justice": (0.44, 0.72, 0.12),
    "health": (0.60, 0.80, 0.0),
    "social care": (0.60, 0.80, 0.0),
    "other": (0.62, 0.80, 0.0),
}
SUBSTANCES = [("crack", 76), ("cocaine", 14), ("amphetamines", 3), ("heroin", 3), ("other", 4)]
SEXES = [("male", 68), ("female", 29), ("other", 1), ("not_stated", 2)]
ETHNICITIES = [
    ("A", 58), ("B", 3), ("C", 5), ("D", 4), ("E", 1), ("F", 1), ("G", 1), ("H", 1),
    ("J", 1), ("K", 1), ("L", 1), ("M", 9), ("N", 6), ("P", 2), ("R", 1), ("S", 2), ("Z", 2),
]  # fmt: skip
FIRST_NAMES = [
    "Ade", "Bex", "Cal", "Dee", "Eli", "Fran", "Gus", "Hal", "Izzy", "Jay", "Kat", "Lou",
    "Mo", "Nat", "Ollie", "Pat", "Ray", "Sam", "Tash", "Vic", "Wes", "Zee",
]  # fmt: skip
INITIAL_LETTERS = "ABCDEFGHJKLMNPRSTW"
KEYWORK_INTERVENTIONS = [
    ("motivational_interviewing", 30),
    ("relapse_prevention", 20),
    ("cbt", 12),
    ("harm_reduction", 14),
    ("care_planning", 14),
    ("practical_support", 10),
    ("mental_health_support", 6),
    ("contingency_management", 5),
    ("family_support", 3),
    ("other", 2),
]
EARLY_REASONS = [("dropped_out", 70), ("declined_by_client", 12), ("withdrawn_by_provider", 5),
                 ("transferred_in_custody", 6), ("moved_away", 4), ("other", 3)]  # fmt: skip
LATE_REASONS = [("dropped_out", 45), ("transferred_not_in_custody", 15),
                ("transferred_in_custody", 8), ("declined_by_client", 12),
                ("withdrawn_by_provider", 5), ("moved_away", 10), ("died", 1),
                ("other", 4)]  # fmt: skip


@dataclass
class ServiceProfile:
    """One service's shape: how many referrals over the three years, its
    keyworkers (username, share of the caseload) and rhythms."""

    code: str
    tier: int
    referrals: int
    keyworkers: Sequence[tuple[str, float]]
    keywork_every_days: float
    open_access: bool = False
    programme_weeks: int | None = None
    group_weekdays: tuple[int, ...] = ()  # weekly groups, 0 = Monday
    planned_days: Sequence[int] = (84,)


class Sink(Protocol):
    def client(self, no, initials, dob, sex, ethnicity, preferred_name) -> None: ...
    def referral(self, no, client_no, service, date, source, substance) -> None: ...
    def appointment(self, referral_no, offered, date, attendance) -> None: ...
    def episode(self, no, referral_no, tier, start, end, reason, keyworker, planned) -> None: ...
    def contact(self, episode_no, date, kind, mode, minutes, attendance, interventions) -> None: ...
    def outcome(self, episode_no, timepoint, date, reported_by, *values) -> None: ...


def client_ref(no: int) -> str:
    return f"CL{no:07d}"


def referral_ref(no: int) -> str:
    return f"RF{no:07d}"


def episode_ref(no: int) -> str:
    return f"EP{no:07d}"


class _Weighted:
    """A fast weighted choice from a fixed list (cumulative weights)."""

    def __init__(self, items: Sequence[tuple]) -> None:
        self.values = [item[0] if len(item) == 2 else item[:-1] for item in items]
        total = 0.0
        self.cumulative = []
        for item in items:
            total += item[-1]
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        x = rng.random() * self.total
        lo, hi = 0, len(self.cumulative) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cumulative[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return self.values[lo]


_SOURCES = _Weighted(SOURCES)
_SUBSTANCES = _Weighted(SUBSTANCES)
_SEXES = _Weighted(SEXES)
_ETHNICITIES = _Weighted(ETHNICITIES)
_INTERVENTIONS = _Weighted(KEYWORK_INTERVENTIONS)
_EARLY = _Weighted(EARLY_REASONS)
_LATE = _Weighted(LATE_REASONS)
_MODES = _Weighted([("in_person", 76), ("telephone", 14), ("video", 5), ("outreach", 5)])
_MINUTES = _Weighted([(30, 14), (45, 18), (60, 38), (75, 12), (90, 12), (120, 6)])
_ATTENDANCE = _Weighted(
    [("attended", 81), ("dna", 14), ("cancelled_by_client", 4), ("cancelled_by_service", 1)]
)


_KEYWORKERS: dict[tuple, _Weighted] = {}


def _keyworkers(profile: ServiceProfile) -> _Weighted:
    # Keyed on what the choice depends on, not on id(profile): a profile of
    # an earlier run, freed, can leave its id to another service's profile,
    # which then drew the wrong staff and made the same seed give another demo.
    key = (profile.code, tuple(profile.keyworkers))
    if key not in _KEYWORKERS:
        _KEYWORKERS[key] = _Weighted(list(profile.keyworkers))
    return _KEYWORKERS[key]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


@dataclass
class _Client:
    no: int
    dob: dt.date


@dataclass
class Simulation:
    rng: random.Random
    profiles: Sequence[ServiceProfile]
    sink: Sink
    as_of: dt.date = field(default_factory=default_as_of)
    start: dt.date = field(default_factory=default_start)
    end: dt.date = field(default_factory=default_end)
    returning_share: float = 0.16
    client_no: int = 0
    referral_no: int = 0
    episode_no: int = 0
    # clients who may come back: (available from, tie-break, client)
    _returnable: list = field(default_factory=list)
    _ready: list = field(default_factory=list)

    def run(self) -> None:
        days = (self.end - self.start).days
        referrals = []
        for index, profile in enumerate(self.profiles):
            for _ in range(profile.referrals):
                referrals.append((self.rng.randrange(days + 1), index))
        referrals.sort()
        for offset, index in referrals:
            self._referral(self.profiles[index], self.start + offset * DAY)

    # -- clients ---------------------------------------------------------
    def _client_for(self, when: dt.date) -> _Client:
        while self._returnable and self._returnable[0][0] <= when:
            self._ready.append(heapq.heappop(self._returnable)[2])
        if self._ready and self.rng.random() < self.returning_share:
            i = self.rng.randrange(len(self._ready))
            self._ready[i], self._ready[-1] = self._ready[-1], self._ready[i]
            return self._ready.pop()
        self.client_no += 1
        rng = self.rng
        age_days = int(365.25 * _clamp(rng.gauss(36, 9), 18, 68)) + rng.randrange(365)
        client = _Client(self.client_no, when - dt.timedelta(days=age_days))
        initials = rng.choice(INITIAL_LETTERS) + rng.choice(INITIAL_LETTERS)
        if rng.random() < 0.2:
            initials = initials[0] + rng.choice(INITIAL_LETTERS) + initials[1]
        preferred = rng.choice(FIRST_NAMES) if rng.random() < 0.2 else ""
        self.sink.client(
            client.no, initials, client.dob, _SEXES.pick(rng), _ETHNICITIES.pick(rng), preferred
        )
        return client

    def _may_return(self, client: _Client, after: dt.date) -> None:
        back = after + dt.timedelta(days=30 + int(self.rng.expovariate(1 / 200)))
        heapq.heappush(self._returnable, (back, client.no, client))

    # -- the pathway -----------------------------------------------------
    def _referral(self, profile: ServiceProfile, when: dt.date) -> None:
        rng = self.rng
        client = self._client_for(when)
        self.referral_no += 1
        number = self.referral_no
        source, group = _SOURCES.pick(rng)
        self.sink.referral(number, client.no, profile.code, when, source, _SUBSTANCES.pick(rng))
        p_assess, p_start, early_shift = ENGAGEMENT[group]
        if profile.open_access:  # open access and fast assessment kept people in
            p_assess = min(0.92, p_assess + 0.12)
        assessed_on = self._appointments(profile, number, when, rng.random() < p_assess)
        if assessed_on is None or rng.random() >= p_start:
            self._may_return(client, assessed_on or when)
            return
        wait = 0 if profile.open_access and rng.random() < 0.6 else rng.randrange(15)
        start = assessed_on + wait * DAY
        if start > self.as_of:
            return  # assessed, waiting to start
        end = self._episode(profile, number, start, early_shift)
        self._may_return(client, end or self.as_of + dt.timedelta(days=3650))

    def _appointments(
        self, profile: ServiceProfile, referral: int, when: dt.date, will_attend: bool
    ) -> dt.date | None:
        """Offer assessment appointments; return the date the client was
        assessed, or None."""
        rng = self.rng
        if not will_attend and rng.random() < 0.3:
            return None  # never offered: lost before a booking
        offered = when + rng.randrange(3) * DAY
        tries = 1 + (rng.random() < 0.3) if will_attend else 1 + (rng.random() < 0.4)
        for attempt in range(tries):
            if offered > self.as_of:
                return None
            wait = rng.randrange(4) if profile.open_access else 3 + rng.randrange(19)
            date = offered + wait * DAY
            last = attempt == tries - 1
            if date > self.as_of:
                outcome = ""  # booked, still to come
            elif date >= self.as_of - dt.timedelta(days=10) and rng.random() < 0.2:
                outcome = ""  # past, nobody has recorded it yet: the worklist
            elif last and will_attend:
                outcome = "attended"
            else:
                outcome = "dna" if rng.random() < 0.8 else "cancelled_by_client"
            self.sink.appointment(referral, offered, date, outcome)
            if outcome != "attended" and outcome != "dna" and outcome != "cancelled_by_client":
                return None
            if outcome == "attended":
                return date
            offered = date + (1 + rng.randrange(3)) * DAY  # rebooked
        return None

    def _duration(self, profile: ServiceProfile, shift: float) -> tuple[int, bool]:
        """Days in treatment, and whether it ended as a completion."""
        rng = self.rng
        x = rng.random()
        p_week = 0.10 + shift / 3
        p_month = 0.43 + shift
        p_quarter = p_month + 0.24
        if x < p_week:
            return rng.randrange(8), False
        if x < p_month:
            return 8 + rng.randrange(22), False
        if x < p_quarter:
            return 30 + rng.randrange(60), False
        if profile.tier == 4 or profile.programme_weeks:
            planned = (
                rng.choice(profile.planned_days)
                if profile.tier == 4
                else 7 * (profile.programme_weeks or 12)
            )
            if rng.random() < 0.7:
                return max(90, planned + rng.randrange(-3, 4)), True
        days = 90 + int(rng.expovariate(1 / 130))
        return days, rng.random() < 0.45

    def _episode(
        self, profile: ServiceProfile, referral: int, start: dt.date, shift: float
    ) -> dt.date | None:
        rng = self.rng
        self.episode_no += 1
        number = self.episode_no
        days, completed = self._duration(profile, shift)
        planned_end = start + days * DAY
        end: dt.date | None = planned_end
        if planned_end > self.as_of:
            end, reason = None, None
        elif completed:
            reason = "completed_drug_free" if rng.random() < 0.55 else "completed_occasional_user"
        else:
            reason = (_EARLY if days < 30 else _LATE).pick(rng)
        keyworker = _keyworkers(profile).pick(rng)
        planned = rng.choice(profile.planned_days) if profile.tier == 4 else None
        tier = profile.tier
        self.sink.episode(number, referral, tier, start, end, reason, keyworker, planned)
        last = end or self.as_of
        self._contacts(profile, number, start, last, days)
        self._outcomes(profile, number, start, end, days)
        top_records = getattr(self.sink, "top_records", None)
        if top_records is not None:
            top_records(number, synthetic_top.episode_records(number, tier, start, end, self.as_of))
        return end

    def _contacts(
        self, profile: ServiceProfile, episode: int, start: dt.date, last: dt.date, days: int
    ) -> None:
        rng, sink = self.rng, self.sink
        contact = sink.contact
        # The first treatment intervention is an attended keywork session.
        contact(episode, start, "keywork", "in_person", 60, "attended", self._interventions())
        mean = profile.keywork_every_days
        day = start
        while True:
            # Intensive at first, settling into the rhythm, then easing off.
            into = (day - start).days
            pace = 0.55 if into < 14 else 1.0 if into < 60 else 1.5
            gap = max(1, round(rng.gammavariate(2.0, mean * pace / 2)))
            day = day + gap * DAY
            if day > last:
                break
            attendance = _ATTENDANCE.pick(rng)
            if attendance == "attended":
                contact(
                    episode,
                    day,
                    "keywork",
                    _MODES.pick(rng),
                    _MINUTES.pick(rng),
                    "attended",
                    self._interventions(),
                )
            else:
                contact(episode, day, "keywork", _MODES.pick(rng), None, attendance, ())
        for weekday in profile.group_weekdays:
            self._weekly(episode, start, last, weekday, "group", 0.55)
        if profile.programme_weeks:
            stop = min(last, start + dt.timedelta(weeks=profile.programme_weeks))
            for weekday in (1, 3):
                self._weekly(episode, start + DAY, stop, weekday, "day_programme", 0.7)
        if profile.tier == 4:
            self._weekly(episode, start + DAY, last, 2, "complementary_therapy", 0.5)

    def _weekly(
        self, episode: int, start: dt.date, last: dt.date, weekday: int, kind: str, p: float
    ) -> None:
        rng = self.rng
        day = start + ((weekday - start.weekday()) % 7) * DAY
        interventions = {
            "group": ("peer_support", "relapse_prevention"),
            "day_programme": ("cbt", "relapse_prevention"),
            "complementary_therapy": ("complementary_therapy",),
        }[kind]
        minutes = {"group": 90, "day_programme": 180, "complementary_therapy": 45}[kind]
        while day <= last:
            if rng.random() < p:
                self.sink.contact(
                    episode, day, kind, "in_person", minutes, "attended", interventions
                )
            day += 7 * DAY

    def _interventions(self) -> tuple[str, ...]:
        rng = self.rng
        chosen = {_INTERVENTIONS.pick(rng) for _ in range(1 + (rng.random() < 0.45))}
        return tuple(sorted(chosen))

    # -- outcome forms ---------------------------------------------------
    def _outcomes(
        self, profile: ServiceProfile, episode: int, start: dt.date, end: dt.date | None, days: int
    ) -> None:
        rng = self.rng
        tier4 = profile.tier == 4
        person = _Person.draw(rng, tier4)
        last = end or self.as_of
        if rng.random() < 0.92:
            when = start - rng.randrange(4) * DAY
            self._form(episode, "baseline", when, "keyworker", person.at(rng, 1.0))
            if rng.random() < 0.3:
                self._form(episode, "baseline", when, "client", person.at(rng, 1.0, noise=True))
        for n, factor, done in ((30, 0.38, 0.82), (90, 0.28, 0.72)):
            due = start + dt.timedelta(days=n - 7)
            if due > last:
                continue
            overdue = start + dt.timedelta(days=n + 7)
            if end is None and self.as_of <= overdue:
                done = 0.3  # in its window now: most not done yet, so the badges show
            if rng.random() >= done:
                continue
            when = min(last, start + dt.timedelta(days=n + rng.randrange(-5, 6)))
            when = max(when, due)
            values = person.at(rng, factor)
            self._form(episode, f"day{n}", when, "keyworker", values)
            if rng.random() < 0.25:
                self._form(episode, f"day{n}", when, "client", person.at(rng, factor, noise=True))
        if end is not None and days >= 14 and rng.random() < 0.4:
            factor = 0.25 if days >= 90 else 0.7
            self._form(episode, "exit", end, "keyworker", person.at(rng, factor))

    def _form(self, episode: int, timepoint: str, when: dt.date, by: str, values: tuple) -> None:
        self.sink.outcome(episode, timepoint, when, by, *values)


@dataclass
class _Person:
    """A client's drug use before treatment; follow-ups scale it down."""

    crack_days: int
    spend: int
    heroin: int
    cocaine: int
    alcohol: int
    other: int
    crime: float
    physical: float
    psychological: float
    quality: float

    @classmethod
    def draw(cls, rng: random.Random, tier4: bool) -> "_Person":
        if tier4:
            days = _clamp(rng.gauss(24.5, 4), 8, 30)
            spend = 5 * _clamp(math.exp(rng.gauss(math.log(96), 0.3)) / 5, 6, 100)
        else:
            days = _clamp(rng.gammavariate(2.6, 3.9), 1, 30)
            spend = 5 * _clamp(math.exp(rng.gauss(math.log(54), 0.45)) / 5, 2, 100)
        return cls(
            crack_days=days,
            spend=spend,
            heroin=_clamp(rng.gammavariate(2, 4), 1, 30) if rng.random() < 0.25 else 0,
            cocaine=_clamp(rng.gammavariate(2, 1.5), 1, 30) if rng.random() < 0.2 else 0,
            alcohol=_clamp(rng.gammavariate(2, 4), 1, 30) if rng.random() < 0.6 else 0,
            other=_clamp(rng.gammavariate(2, 1.5), 1, 30) if rng.random() < 0.15 else 0,
            crime=0.6 if tier4 else 0.19,
            physical=rng.gauss(10, 3),
            psychological=rng.gauss(9, 3),
            quality=rng.gauss(9, 3),
        )

    def at(self, rng: random.Random, factor: float, noise: bool = False) -> tuple:
        """The form's values at a timepoint: `factor` 1.0 is baseline."""
        if factor >= 1.0:
            days = self.crack_days
        elif rng.random() < 0.35 * (1.2 - factor):
            days = 0  # abstinent
        else:
            days = _clamp(self.crack_days * factor * rng.uniform(0.4, 1.6), 1, 30)
        if noise:
            days = _clamp(days + rng.choice((-1, 0, 0, 1)), 0, 30) if days else 0
        spend = None
        if days:
            scale = 1.0 if factor >= 1.0 else rng.uniform(0.6, 1.0)
            spend = Decimal(5 * max(1, round(self.spend * scale / 5)))
        better = 0 if factor >= 1.0 else 2.5 * (1.2 - factor)
        crime = self.crime if factor >= 1.0 else self.crime * 0.75 * (0.6 + factor)
        return (
            days,
            spend,
            _clamp(self.heroin * min(1.0, factor * 1.5), 0, 30),
            _clamp(self.cocaine * min(1.0, factor * 1.5), 0, 30),
            _clamp(self.alcohol * min(1.0, factor * 2), 0, 30),
            _clamp(self.other * min(1.0, factor * 1.5), 0, 30),
            rng.random() < crime,
            _clamp(self.physical + better + rng.gauss(0, 1.5), 0, 20),
            _clamp(self.psychological + better + rng.gauss(0, 1.5), 0, 20),
            _clamp(self.quality + better + rng.gauss(0, 1.5), 0, 20),
        )
