"""The returns tests' deterministic pathway: helpers that tests import (a
conftest holds fixtures only)."""

import datetime as dt

from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
    UserFactory,
)

Q1_START = dt.date(2026, 1, 1)


SOURCES = ["self", "gp", "probation", "a_and_e", "relative", "self", "drr", "prison"]


SEXES = ["male", "female", "male", "not_stated"]


ETHNICITIES = ["A", "M", "N", "H", "D", "Z", "A", "R"]


BIRTHS = [dt.date(1990, 3, 1), dt.date(1980, 6, 1), dt.date(1970, 1, 1), dt.date(2000, 5, 5)]


REASONS = ["completed_drug_free", "dropped_out", "transferred_in_custody", "declined_by_client"]


def seed_service(service, n: int, *, offset: int = 0, marker: str = "") -> list:
    """n referrals in 2026Q1 (and the episodes they lead to), spread over
    sources, sexes, ethnic groups and ages; most are assessed, most of those
    start, some end, some have keywork contacts and outcome forms. Also
    n // 2 episodes started in the 30 and 90 days before the quarter, so the
    retention cohorts are not empty. Returns the clients made."""
    keyworker = UserFactory(username=f"kw-{service.code}")
    clients = []
    for i in range(n):
        k = i + offset
        client = ClientFactory(
            initials="QZ" if marker else "AB",
            preferred_name=f"{marker}{i}" if marker else "",
            sex_id=SEXES[k % len(SEXES)],
            ethnicity_id=ETHNICITIES[k % len(ETHNICITIES)],
            date_of_birth=BIRTHS[k % len(BIRTHS)],
            consent_national_reporting=k % 3 != 0,
        )
        clients.append(client)
        day = Q1_START + dt.timedelta(days=(k * 7) % 80)
        referral = ReferralFactory(
            client=client, service=service, referral_date=day, source_id=SOURCES[k % len(SOURCES)]
        )
        if k % 5 == 4:
            continue  # never offered an assessment
        AppointmentFactory(
            referral=referral,
            offered_date=day,
            appointment_date=day + dt.timedelta(days=2 + k % 4),
            attendance="dna" if k % 6 == 0 else "attended",
        )
        if k % 6 == 0:
            continue
        start = day + dt.timedelta(days=5 + k % 3)
        ended = k % 4 == 1
        episode = EpisodeFactory(
            referral=referral,
            start_date=start,
            keyworker=keyworker,
            end_date=start + dt.timedelta(days=6 + k % 20) if ended else None,
            discharge_reason_id=REASONS[k % len(REASONS)] if ended else None,
        )
        for c in range(k % 3):
            ContactFactory(
                episode=episode,
                contact_date=start + dt.timedelta(days=c * 4),
                duration_minutes=30 + 15 * c,
            )
    for i in range(n // 2):
        for shift in (30, 90):
            start = Q1_START - dt.timedelta(days=shift - 3 * i)
            client = ClientFactory(
                initials="QZ" if marker else "CD",
                preferred_name=f"{marker}old{shift}-{i}" if marker else "",
            )
            referral = ReferralFactory(
                client=client, service=service, referral_date=start - dt.timedelta(days=5)
            )
            ended = i % 3 == 0
            episode = EpisodeFactory(
                referral=referral,
                start_date=start,
                keyworker=keyworker,
                end_date=start + dt.timedelta(days=12) if ended else None,
                discharge_reason_id="dropped_out" if ended else None,
            )
            OutcomeFormFactory(episode=episode, crack_days=10 + i % 5, crack_spend_per_day=60)
            if not ended:
                OutcomeFormFactory(
                    episode=episode,
                    timepoint=f"day{shift}",
                    form_date=start + dt.timedelta(days=shift),
                    crack_days=4 + i % 3,
                    crack_spend_per_day=50,
                )
            clients.append(client)
    return clients
