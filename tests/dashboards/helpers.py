"""The dashboard cohort and its period: helpers that tests import (a conftest
holds fixtures only)."""

import datetime as dt

from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
)

QUARTER = "2026Q1"


AS_OF = dt.date(2026, 4, 30)


PERIOD = {"quarter": QUARTER, "as_of": AS_OF.isoformat()}


SOURCES = ["self", "gp", "probation", "drr", "drug_service_statutory", "self"]


SEXES = ["male", "female"]


ETHNICITIES = ["A", "M", "H", "A", "Z"]


def build_cohort(service, keyworkers, count: int, first_day: dt.date) -> None:
    """A deterministic NECTOS-shaped cohort: some never offered, some DNA,
    some assessed but not started, episodes of varied length, keywork every
    week, and baseline, day-30 and day-90 keyworker forms that fall."""
    for i in range(count):
        day = first_day + dt.timedelta(days=(i * 5) % 85)
        client = ClientFactory(
            sex_id=SEXES[i % 2],
            ethnicity_id=ETHNICITIES[i % 5],
            date_of_birth=dt.date(1970 + (i * 7) % 35, 1 + i % 12, 1),
        )
        referral = ReferralFactory(
            service=service, client=client, referral_date=day, source_id=SOURCES[i % 6]
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
                continue  # did not attend, never rebooked
        seen = day + dt.timedelta(days=4 + i % 9)
        AppointmentFactory(
            referral=referral, offered_date=day, appointment_date=seen, attendance="attended"
        )
        if i % 6 == 5:
            continue  # assessed, never started
        start = seen + dt.timedelta(days=3 + i % 11)
        length = [5, 12, 30, 45, 95, None, 60, None][i % 8]
        end = start + dt.timedelta(days=length) if length else None
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
        last = min(end or AS_OF, AS_OF)
        contact_day = start
        while contact_day <= last:
            ContactFactory(
                episode=episode, contact_date=contact_day, duration_minutes=45 + i % 4 * 15
            )
            contact_day += dt.timedelta(days=6 + i % 5)
        OutcomeFormFactory(
            episode=episode, crack_days=8 + i % 10, crack_spend_per_day=40 + i % 5 * 10
        )
        for n in (30, 90):
            form_day = start + dt.timedelta(days=n)
            if form_day <= last:
                days = max(0, (8 + i % 10) - n // 10 - i % 4)
                OutcomeFormFactory(
                    episode=episode,
                    timepoint=f"day{n}",
                    form_date=form_day,
                    crack_days=days,
                    crack_spend_per_day=(30 + i % 3 * 10) if days else None,
                    crime_involved=i % 3 == 0,
                )
