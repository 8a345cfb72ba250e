"""Bulk-load a NECTOS-shaped data set for the metrics benchmarks.

    DATABASE_URL=postgres://... .venv/bin/python bench/metrics_fixture.py \
        [--services 40] [--referrals 1000] [--reseed]

Services BM001.. each get --referrals referrals spread over 2025-07-01 to
2026-09-30 (15 months), and what the study saw follow: ~85% offered an
assessment, ~60% assessed (some after a DNA), ~80% of those start, over two
fifths gone within 30 days, a third still in at 90; keywork about weekly
(with DNAs, group sessions and drop-ins mixed in), and baseline, day-30 and
day-90 keyworker forms (some client self-reports too) with crack use
falling. Deterministic (--seed). pghistory triggers are switched off for
the load (session_replication_role), so this is for benchmarks only.
A second run reuses the data unless --reseed."""

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from django.db import connection, transaction  # noqa: E402

from clients.models import Appointment, Client, Referral  # noqa: E402
from keywork.models import Contact, Episode  # noqa: E402
from outcomes.models import OutcomeForm  # noqa: E402
from services.models import Membership, Role, Service, User  # noqa: E402

PREFIX = "BM"
START = dt.date(2025, 7, 1)
DAYS = 457  # to 2026-09-30
SOURCES = ["self"] * 6 + ["gp", "gp", "drr", "probation", "arrest_referral", "prison"]
SOURCES += ["drug_service_statutory", "a_and_e", "social_services", "relative"]
SEXES = ["male"] * 7 + ["female"] * 3 + ["not_stated"]
ETHNIC = list("AAAAAAAABCDEFGHJKLMNPRSZ")
LEFT = ["dropped_out"] * 6 + ["withdrawn_by_provider", "transferred_in_custody", "moved_away"]
COMPLETED = ["completed_drug_free", "completed_occasional_user"]


def _form(episode, timepoint, day, crack, reporter="keyworker"):
    return OutcomeForm(
        episode=episode,
        timepoint=timepoint,
        form_date=day,
        reported_by=reporter,
        crack_days=crack,
        crack_spend_per_day=None if crack == 0 else 40 + 10 * (crack % 7),
        heroin_days=0,
        cocaine_days=0,
        alcohol_days=0,
        other_drug_days=0,
        crime_involved=crack > 12,
        physical_health=10,
        psychological_health=10,
        quality_of_life=10,
    )


def seed_service(service: Service, keyworkers: list[User], n: int, rng: random.Random) -> None:
    today = dt.date(2026, 11, 27)
    clients = Client.objects.bulk_create(
        Client(
            initials="BM",
            date_of_birth=dt.date(1958 + rng.randrange(45), 1 + rng.randrange(12), 1),
            sex_id=rng.choice(SEXES),
            ethnicity_id=rng.choice(ETHNIC),
        )
        for _ in range(n)
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            client=c,
            service=service,
            referral_date=START + dt.timedelta(days=rng.randrange(DAYS)),
            source_id=rng.choice(SOURCES),
            primary_substance_id="crack",
        )
        for c in clients
    )
    appointments, episodes = [], []
    for r in referrals:
        if rng.random() > 0.85:
            continue
        day = r.referral_date + dt.timedelta(days=rng.randrange(1, 10))
        if rng.random() < 0.3:
            appointments.append(
                Appointment(
                    referral=r, offered_date=r.referral_date, appointment_date=day, attendance="dna"
                )
            )
            if rng.random() < 0.5:
                continue
            day += dt.timedelta(days=rng.randrange(3, 15))
        attended = rng.random() < 0.75
        appointments.append(
            Appointment(
                referral=r,
                offered_date=r.referral_date,
                appointment_date=day,
                attendance="attended" if attended else "dna",
            )
        )
        if not attended or rng.random() > 0.8:
            continue
        start = day + dt.timedelta(days=rng.randrange(0, 21))
        if start > today:
            continue
        roll = rng.random()
        length = (
            rng.randrange(0, 8)
            if roll < 0.12
            else rng.randrange(8, 30)
            if roll < 0.45
            else rng.randrange(30, 90)
            if roll < 0.68
            else rng.randrange(90, 300)
            if roll < 0.85
            else None
        )
        end = start + dt.timedelta(days=length) if length is not None else None
        if end is not None and end > today:
            end = None
        reason = (
            None
            if end is None
            else (
                rng.choice(COMPLETED)
                if length and length > 60 and rng.random() < 0.5
                else rng.choice(LEFT)
            )
        )
        episodes.append(
            Episode(
                referral=r,
                tier=3,
                start_date=start,
                end_date=end,
                discharge_reason_id=reason,
                keyworker=rng.choice(keyworkers),
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=5000)
    Episode.objects.bulk_create(episodes, batch_size=5000)
    contacts, forms = [], []
    for e in episodes:
        last = min(e.end_date or today, today)
        day = e.start_date
        while day <= last:
            roll = rng.random()
            kind = "keywork" if roll < 0.75 else "group" if roll < 0.9 else "drop_in"
            dna = rng.random() < 0.15
            contacts.append(
                Contact(
                    episode=e,
                    contact_date=day,
                    contact_type=kind,
                    mode="in_person",
                    attendance="dna" if dna else "attended",
                    duration_minutes=None if dna else rng.choice([30, 45, 60, 60, 60, 90]),
                )
            )
            day += dt.timedelta(days=rng.choice([2, 4, 7, 7, 7, 9, 13]))
        baseline = min(30, max(0, int(rng.gauss(10, 6))))
        forms.append(_form(e, "baseline", e.start_date, baseline))
        if rng.random() < 0.2:
            forms.append(
                _form(
                    e,
                    "baseline",
                    e.start_date,
                    min(30, baseline + rng.randrange(-2, 3)) if baseline > 1 else 0,
                    "client",
                )
            )
        for n, fall in ((30, 0.5), (90, 0.35)):
            form_day = e.start_date + dt.timedelta(days=n + rng.randrange(-5, 6))
            if form_day <= last and rng.random() < 0.85:
                forms.append(
                    _form(e, f"day{n}", form_day, max(0, int(baseline * fall + rng.gauss(0, 2))))
                )
    Contact.objects.bulk_create(contacts, batch_size=10000)
    OutcomeForm.objects.bulk_create(forms, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=40)
    parser.add_argument("--referrals", type=int, default=1000, help="per service")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    existing = Service.objects.filter(code__startswith=PREFIX)
    if existing.exists() and not args.reseed:
        print(f"{existing.count()} {PREFIX} services already loaded; --reseed to start again.")
        return
    rng = random.Random(args.seed)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no pghistory triggers
        if existing.exists():
            ids = list(existing.values_list("pk", flat=True))
            cursor.execute(
                "DELETE FROM outcomes_outcomeform f USING keywork_episode e, clients_referral r "
                "WHERE f.episode_id = e.id AND e.referral_id = r.id AND r.service_id = ANY(%s)",
                [ids],
            )
            cursor.execute(
                "DELETE FROM keywork_contact c USING keywork_episode e, clients_referral r "
                "WHERE c.episode_id = e.id AND e.referral_id = r.id AND r.service_id = ANY(%s)",
                [ids],
            )
            for table, path in (
                (
                    "keywork_episode",
                    "referral_id IN (SELECT id FROM clients_referral WHERE service_id = ANY(%s))",
                ),
                (
                    "clients_appointment",
                    "referral_id IN (SELECT id FROM clients_referral WHERE service_id = ANY(%s))",
                ),
            ):
                cursor.execute(f"DELETE FROM {table} WHERE {path}", [ids])  # noqa: S608
            cursor.execute(
                "DELETE FROM clients_referral WHERE service_id = ANY(%s) RETURNING client_id", [ids]
            )
            client_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DELETE FROM clients_client WHERE id = ANY(%s)", [client_ids])
            cursor.execute("DELETE FROM services_membership WHERE service_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM services_service WHERE id = ANY(%s)", [ids])
    for s in range(1, args.services + 1):
        with transaction.atomic():
            service = Service.objects.create(
                code=f"{PREFIX}{s:03d}", name=f"Bench service {s}", tier=3
            )
            keyworkers = []
            for k in range(6):
                user, _ = User.objects.get_or_create(
                    username=f"bm{s:03d}kw{k}", defaults={"full_name": f"Keyworker {k} of {s}"}
                )
                Membership.objects.get_or_create(user=user, service=service, role=Role.KEYWORKER)
                keyworkers.append(user)
            seed_service(service, keyworkers, args.referrals, rng)
        if s % 10 == 0:
            print(f"  {s} services loaded", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in (
            "clients_referral",
            "clients_appointment",
            "keywork_episode",
            "keywork_contact",
            "outcomes_outcomeform",
            "clients_client",
        ):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608
        counts = {}
        for table in (
            "clients_referral",
            "keywork_episode",
            "keywork_contact",
            "outcomes_outcomeform",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    print(f"Loaded in {time.perf_counter() - began:.0f} s. Rows now: {counts}")


if __name__ == "__main__":
    main()
