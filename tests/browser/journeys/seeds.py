"""The records the journeys need, built with the factories and actions in a
few seconds: a plausible quarter of referrals at a service, and the few
named clients each journey works with. Deterministic: nothing random."""

import datetime as dt

from django.utils import timezone

from keywork.models import Contact
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
)

SOURCES = ["self", "gp", "probation", "drr", "drug_service_statutory", "self", "a_and_e"]
SEXES = ["male", "female", "male", "female", "not_stated"]
ETHNICITIES = ["A", "M", "H", "A", "N", "Z", "B"]
LETTERS = "ABCDEFGHJKLMNPRSTW"


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def initials(i: int) -> str:
    return LETTERS[i % len(LETTERS)] + LETTERS[(i * 7 + 3) % len(LETTERS)]


def seed_quarter(service, keyworkers, *, first_day: dt.date, n: int, offset: int = 0) -> None:
    """n referrals spread over the 90 days from first_day: some never offered
    an assessment, some who did not attend, some assessed and not started;
    episodes of varied length with keywork every week or so up to today, and
    keyworker baseline, day-30 and day-90 forms that fall."""
    as_of = today()
    contacts: list[Contact] = []
    for j in range(n):
        i = j + offset
        day = first_day + dt.timedelta(days=(j * 89 // max(n, 1)) % 90)
        if day > as_of:
            continue
        client = ClientFactory(
            initials=initials(i),
            sex_id=SEXES[i % len(SEXES)],
            ethnicity_id=ETHNICITIES[i % len(ETHNICITIES)],
            date_of_birth=dt.date(1968 + (i * 7) % 36, 1 + i % 12, 1 + i % 27),
        )
        referral = ReferralFactory(
            service=service, client=client, referral_date=day, source_id=SOURCES[i % len(SOURCES)]
        )
        if i % 7 == 6:
            continue  # never offered an assessment
        if i % 5 == 4:
            AppointmentFactory(
                referral=referral,
                offered_date=day,
                appointment_date=day + dt.timedelta(days=3),
                attendance="dna",
            )
            if i % 2:
                continue  # did not attend, not seen since
        seen = day + dt.timedelta(days=4 + i % 9)
        if seen > as_of:
            continue
        AppointmentFactory(
            referral=referral, offered_date=day, appointment_date=seen, attendance="attended"
        )
        if i % 6 == 5:
            continue  # assessed, never started
        start = seen + dt.timedelta(days=3 + i % 11)
        if start > as_of:
            continue
        length = [5, 12, 30, 45, 95, None, 60, None][i % 8]
        end = start + dt.timedelta(days=length) if length else None
        if end and end > as_of:
            end = None
        completed = length in (45, 95) and i % 3 == 0
        episode = EpisodeFactory(
            referral=referral,
            start_date=start,
            keyworker=keyworkers[i % len(keyworkers)],
            end_date=end,
            discharge_reason_id=(
                None if end is None else "completed_drug_free" if completed else "dropped_out"
            ),
        )
        last = end or as_of
        contact_day = start
        while contact_day <= last:
            contacts.append(
                Contact(
                    episode=episode,
                    contact_date=contact_day,
                    contact_type="keywork",
                    mode="in_person",
                    duration_minutes=45 + i % 4 * 15,
                    attendance="attended",
                    recorded_by=episode.keyworker,
                )
            )
            contact_day += dt.timedelta(days=6 + i % 5)
        baseline_days = 8 + i % 12
        OutcomeFormFactory(
            episode=episode,
            crack_days=baseline_days,
            crack_spend_per_day=40 + i % 5 * 10,
            crime_involved=i % 3 == 0,
        )
        for follow_up in (30, 90):
            form_day = start + dt.timedelta(days=follow_up)
            if form_day <= last:
                used = max(0, baseline_days - follow_up // 10 - i % 5)
                OutcomeFormFactory(
                    episode=episode,
                    timepoint=f"day{follow_up}",
                    form_date=form_day,
                    crack_days=used,
                    crack_spend_per_day=(30 + i % 3 * 10) if used else None,
                    crime_involved=i % 6 == 0,
                )
    Contact.objects.bulk_create(contacts)


def in_treatment(
    service,
    keyworker,
    *,
    initials: str,
    started: int,
    name: str = "",
    seen: int | None = None,
    day30: bool = False,
):
    """A client in treatment for `started` days, last seen `seen` days ago,
    with a baseline form (and a day-30 form when asked)."""
    referral = ReferralFactory(
        service=service,
        referral_date=days_ago(started + 12),
        client=ClientFactory(initials=initials, preferred_name=name),
    )
    AppointmentFactory(
        referral=referral,
        offered_date=referral.referral_date,
        appointment_date=days_ago(started + 6),
        attendance="attended",
    )
    episode = EpisodeFactory(referral=referral, keyworker=keyworker, start_date=days_ago(started))
    OutcomeFormFactory(episode=episode, crack_days=12, crack_spend_per_day=50)
    if day30:
        OutcomeFormFactory(
            episode=episode,
            timepoint="day30",
            form_date=episode.start_date + dt.timedelta(days=30),
            crack_days=6,
            crack_spend_per_day=45,
        )
    if seen is not None:
        day = episode.start_date
        while day <= days_ago(seen):
            Contact.objects.create(
                episode=episode,
                contact_date=day,
                contact_type="keywork",
                mode="in_person",
                duration_minutes=60,
                attendance="attended",
                recorded_by=keyworker,
            )
            day += dt.timedelta(days=7)
        if day - dt.timedelta(days=7) < days_ago(seen):
            Contact.objects.create(
                episode=episode,
                contact_date=days_ago(seen),
                contact_type="keywork",
                mode="telephone",
                duration_minutes=30,
                attendance="attended",
                recorded_by=keyworker,
            )
    return episode
