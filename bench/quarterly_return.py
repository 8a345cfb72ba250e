"""Time a commissioner's quarterly return for 20 services.

    DATABASE_URL=postgres://... .venv/bin/python bench/quarterly_return.py [--referrals 1000]

Without a national data set it bulk-loads its own: 20 services BQ01..BQ20,
each with --referrals referrals spread over 2025-10-01..2026-09-30 and the
assessments, episodes, keywork contacts and outcome forms they lead to
(NECTOS-shaped: ~60% assessed, ~80% of those start, ~8 contacts each). A
second run reuses them (--reseed to start again). It then times the return
of 2026Q2 end to end and by stage, for 1, 5 and 20 services, and prints the
figures and the number of queries."""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nectos.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Appointment, Client, Referral  # noqa: E402
from keywork.models import Contact, Episode  # noqa: E402
from outcomes.models import OutcomeForm  # noqa: E402
from reporting.returns.build import breakdowns, build_return, raw_figures  # noqa: E402
from reporting.returns.disclosure import RawTable, protect  # noqa: E402
from reporting.returns.layout import build_layout  # noqa: E402
from reporting.returns.quarters import Quarter  # noqa: E402
from reporting.returns.writers import csv_bytes, xlsx_bytes  # noqa: E402
from services.models import Membership, Role, Service, User  # noqa: E402

PREFIX = "BQ"
COMMISSIONER = "bench-commissioner"
START = dt.date(2025, 10, 1)
DAYS = 365
QUARTER = Quarter(2026, 2)
SOURCES = ["self"] * 5 + ["gp", "drr", "probation", "arrest_referral", "a_and_e", "relative"]
SEXES = ["male"] * 7 + ["female"] * 3 + ["not_stated"]
ETHNIC = list("AAAAAABCDEFGHJKLMNPRSZ")
REASONS = ["dropped_out"] * 5 + [
    "completed_drug_free",
    "completed_occasional_user",
    "transferred_in_custody",
    "withdrawn_by_provider",
    "moved_away",
]


def seed(referrals_per_service: int, rng: random.Random) -> None:
    staff = User.objects.create(username=COMMISSIONER, full_name="Bench Commissioner")
    keyworker = User.objects.create(username=f"{COMMISSIONER}-kw", full_name="Bench Keyworker")
    for s in range(1, 21):
        service = Service.objects.create(code=f"{PREFIX}{s:02d}", name=f"Bench service {s}", tier=3)
        Membership.objects.create(user=staff, service=service, role=Role.COMMISSIONER)
        Membership.objects.create(user=keyworker, service=service, role=Role.KEYWORKER)
        with transaction.atomic():
            _seed_service(service, keyworker, referrals_per_service, rng)
        print(f"  seeded {service.code}", flush=True)


def _seed_service(service, keyworker, n: int, rng: random.Random) -> None:
    clients = Client.objects.bulk_create(
        Client(
            initials="BQ",
            date_of_birth=dt.date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1),
            sex_id=rng.choice(SEXES),
            ethnicity_id=rng.choice(ETHNIC),
            consent_national_reporting=rng.random() < 0.8,
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
        if rng.random() < 0.1:
            continue
        day = r.referral_date + dt.timedelta(days=rng.randrange(1, 21))
        attended = rng.random() < 0.65
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
        start = day + dt.timedelta(days=rng.randrange(0, 15))
        length = int(rng.expovariate(1 / 60))
        end = start + dt.timedelta(days=length) if rng.random() < 0.7 else None
        episodes.append(
            Episode(
                referral=r,
                tier=3,
                start_date=start,
                keyworker=keyworker,
                end_date=end,
                discharge_reason_id=rng.choice(REASONS) if end else None,
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=2000)
    Episode.objects.bulk_create(episodes, batch_size=2000)
    contacts, forms = [], []
    for e in episodes:
        last = e.end_date or dt.date(2026, 11, 1)
        day = e.start_date
        for _ in range(rng.randrange(0, 16)):
            if day > last:
                break
            contacts.append(
                Contact(
                    episode=e,
                    contact_date=day,
                    contact_type="keywork" if rng.random() < 0.8 else "group",
                    mode="in_person",
                    duration_minutes=rng.choice([30, 45, 60, 60, 60, 90]),
                    attendance="attended",
                )
            )
            day += dt.timedelta(days=rng.randrange(2, 14))
        forms.append(_form(e, "baseline", e.start_date, rng.randrange(4, 25)))
        for n, tp in ((30, "day30"), (90, "day90")):
            if last >= e.start_date + dt.timedelta(days=n) and rng.random() < 0.7:
                forms.append(
                    _form(e, tp, e.start_date + dt.timedelta(days=n), rng.randrange(0, 15))
                )
    Contact.objects.bulk_create(contacts, batch_size=5000)
    OutcomeForm.objects.bulk_create(forms, batch_size=5000)


def _form(episode, timepoint: str, day: dt.date, crack_days: int) -> OutcomeForm:
    return OutcomeForm(
        episode=episode,
        timepoint=timepoint,
        form_date=day,
        reported_by="keyworker",
        crack_days=crack_days,
        crack_spend_per_day=60 if crack_days else None,
        heroin_days=0,
        cocaine_days=0,
        alcohol_days=0,
        other_drug_days=0,
        crime_involved=False,
        physical_health=10,
        psychological_health=10,
        quality_of_life=10,
    )


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=1000, help="per service (default 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)

    existing = Service.objects.filter(code__startswith=PREFIX)
    if args.reseed and existing.exists():
        sys.exit("--reseed: drop the database and run again (bench data is PROTECTed)")
    if not existing.exists():
        print(f"Seeding 20 services x {args.referrals} referrals ...", flush=True)
        t0 = time.perf_counter()
        seed(args.referrals, rng)
        print(f"  seeded in {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    services = list(Service.objects.filter(code__startswith=PREFIX).order_by("code"))
    mine = Referral.objects.filter(service__in=services)
    print(
        f"Data: {len(services)} services, {mine.count():,} referrals, "
        f"{Episode.objects.filter(referral__service__in=services).count():,} episodes, "
        f"{Contact.objects.filter(episode__referral__service__in=services).count():,} contacts; "
        f"quarter {QUARTER}"
    )
    print(
        f"Whole database: {Referral.objects.count():,} referrals, "
        f"{Contact.objects.count():,} contacts"
    )

    for n in (1, 5, 20):
        chosen = services[:n]
        seconds, _ = timed(lambda c=chosen: build_return(services=c, quarter=QUARTER), args.runs)
        print(f"  return of {n:2d} service(s): {seconds * 1000:8.0f} ms (median of {args.runs})")

    layout = build_layout(breakdowns())
    with CaptureQueriesContext(connection) as queries:
        t_raw, values = timed(
            lambda: raw_figures(services=services, quarter=QUARTER, layout=layout), 1
        )
    columns = tuple(s.code for s in services) + ("__all__",)
    table = RawTable(columns, layout.measures, values, "__all__", layout.groups)
    t_protect, protected = timed(lambda: protect(table), args.runs)
    t_total, doc = timed(lambda: build_return(services=services, quarter=QUARTER), 1)
    t_xlsx, xlsx = timed(lambda: xlsx_bytes(doc), args.runs)
    t_csv, csv = timed(lambda: csv_bytes(doc), args.runs)
    counts = sum(1 for m in layout.measures if m.kind == "count") * len(columns)
    print("20 services, by stage:")
    print(f"  metric functions: {t_raw * 1000:8.0f} ms in {len(queries)} queries")
    print(
        f"  disclosure:       {t_protect * 1000:8.0f} ms for {counts} counts "
        f"({len(protected.primary)} small, {len(protected.secondary)} hidden as well)"
    )
    print(f"  XLSX:             {t_xlsx * 1000:8.0f} ms, {len(xlsx):,} bytes")
    print(f"  CSV:              {t_csv * 1000:8.0f} ms, {len(csv):,} bytes")
    print(f"  end to end:       {(t_total + t_xlsx + t_csv) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
