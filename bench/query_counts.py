"""Database queries per page at 10 and at 10,000 episodes: every page a
keyworker or manager opens must run the same number of queries whatever the
size of the data behind it.

    DATABASE_URL=... .venv/bin/python bench/query_counts.py [--small 10] [--large 10000]

For each size it builds, inside a transaction that is rolled back, a
service whose keyworker holds that many open episodes (each with a baseline
form and its follow-ups), as many referrals still waiting, and a first
client whose episode has that many contacts; then it opens each page once
to warm up and once counting queries. Target: the same count at
both sizes, page by page."""

import argparse
import datetime as dt
import sys
from pathlib import Path

from nectos import clock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import emit, mint_session  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as WebClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Appointment, Client, Referral  # noqa: E402
from keywork.models import Contact, ContactIntervention, Episode  # noqa: E402
from outcomes.actions import followups_sweep  # noqa: E402
from outcomes.models import OutcomeForm  # noqa: E402
from reporting.dashboards.actions import snapshot_compute, snapshot_request  # noqa: E402
from reporting.dashboards.quarters import Quarter  # noqa: E402
from services.models import Membership, Role, Service, User  # noqa: E402

CODE = "QCBENCH"


def build(n: int) -> dict:
    """The service, its people and n of everything; returns what the pages need."""
    today = clock.today()
    service = Service.objects.create(code=CODE, name="Query count bench", tier=3)
    keyworker = User.objects.create(username="qc_keyworker", full_name="QC Keyworker")
    manager = User.objects.create(username="qc_manager", full_name="QC Manager")
    Membership.objects.create(user=keyworker, service=service, role=Role.KEYWORKER)
    Membership.objects.create(user=manager, service=service, role=Role.MANAGER)
    clients = Client.objects.bulk_create(
        Client(initials="QC", date_of_birth=dt.date(1980, 1, 1), sex_id="male", ethnicity_id="A")
        for _ in range(2 * n)
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            client=c,
            service=service,
            referral_date=today - dt.timedelta(days=20 + i % 300),
            source_id="self",
            primary_substance_id="crack",
        )
        for i, c in enumerate(clients)
    )
    started, waiting = referrals[:n], referrals[n:]
    Appointment.objects.bulk_create(
        Appointment(
            referral=r,
            offered_date=r.referral_date,
            appointment_date=r.referral_date + dt.timedelta(days=7),
            attendance="attended" if i % 2 else "",
        )
        for i, r in enumerate(referrals)
    )
    episodes = Episode.objects.bulk_create(
        Episode(
            referral=r,
            tier=3,
            start_date=r.referral_date + dt.timedelta(days=10),
            keyworker=keyworker,
        )
        for r in started
    )
    OutcomeForm.objects.bulk_create(
        OutcomeForm(
            episode=e,
            timepoint="baseline",
            form_date=e.start_date,
            reported_by="keyworker",
            crack_days=10,
            crack_spend_per_day=60,
            heroin_days=0,
            cocaine_days=0,
            alcohol_days=2,
            other_drug_days=0,
            crime_involved=False,
            physical_health=10,
            psychological_health=10,
            quality_of_life=10,
        )
        for e in episodes
    )
    first = episodes[0]
    contacts = Contact.objects.bulk_create(
        Contact(
            episode=first,
            contact_date=min(today, first.start_date + dt.timedelta(days=i % 30)),
            contact_type="keywork",
            mode="in_person",
            duration_minutes=60,
            attendance="attended",
        )
        for i in range(n)
    )
    ContactIntervention.objects.bulk_create(
        ContactIntervention(contact=c, intervention_id="motivational_interviewing")
        for c in contacts
    )
    followups_sweep(as_of=today, episode_ids=[e.pk for e in episodes])
    quarter = Quarter.of(today).previous()
    snapshot = snapshot_request(service=service, start=quarter.start, end=quarter.end, as_of=today)
    snapshot_compute(snapshot_id=snapshot.pk)  # on_commit never fires in here
    return {
        "keyworker": keyworker,
        "manager": manager,
        "client": first.referral.client,
        "episode": first,
        "waiting": waiting[0],
    }


def pages(d: dict) -> list[tuple[str, str, str, str | None]]:
    """(label, who, path, POST body or None)."""
    e, key = d["episode"].pk, d["client"].key
    today = clock.today().isoformat()
    contact = (
        f"contact_date={today}&contact_type=keywork&mode=in_person&duration_minutes=60"
        "&attendance=attended&interventions=motivational_interviewing&note="
    )
    return [
        ("home", "keyworker", "/", None),
        ("caseload (own)", "keyworker", "/caseload/", None),
        ("caseload (manager, everyone)", "manager", "/caseload/?worker=all", None),
        ("waiting list", "keyworker", "/waiting-list/", None),
        ("client record", "keyworker", f"/clients/{key}/", None),
        ("client record, timeline page 2", "keyworker", f"/clients/{key}/?page=2", None),
        ("episode contacts", "keyworker", f"/episodes/{e}/contacts/", None),
        ("contact logger (form)", "keyworker", f"/episodes/{e}/contacts/new/", None),
        ("contact logger (POST)", "keyworker", f"/episodes/{e}/contacts/new/", contact),
        ("care plan", "keyworker", f"/episodes/{e}/care-plan/", None),
        ("outcomes of an episode", "keyworker", f"/outcomes/episodes/{e}/", None),
        ("follow-ups", "keyworker", "/outcomes/follow-ups/", None),
        ("overdue follow-ups", "manager", "/outcomes/overdue/", None),
        ("my week", "keyworker", "/week/", None),
        ("service dashboard (snapshot)", "manager", f"/dashboards/{CODE}/", None),
        ("caseload dashboard", "manager", f"/dashboards/{CODE}/caseload/", None),
    ]


def count(n: int) -> dict[str, tuple[int, int]]:
    """{page: (status, queries)} at size n; everything rolled back."""
    out = {}
    with transaction.atomic():
        d = build(n)
        browsers = {}
        for who in ("keyworker", "manager"):
            browser = WebClient()
            key = mint_session(d[who]).split(";")[0].split("=", 1)[1]
            browser.cookies[settings.SESSION_COOKIE_NAME] = key
            browsers[who] = browser
        for label, who, path, body in pages(d):
            browser = browsers[who]

            def fetch(browser=browser, path=path, body=body):
                if body is None:
                    return browser.get(path)
                return browser.post(
                    path, body, content_type="application/x-www-form-urlencoded",
                    headers={"HX-Request": "true"},
                )  # fmt: skip

            fetch()  # warm: per-process caches (content types, code lists)
            with CaptureQueriesContext(connection) as queries:
                response = fetch()
            out[label] = (response.status_code, len(queries))
        transaction.set_rollback(True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    if Service.objects.filter(code=CODE).exists():
        raise SystemExit(f"service {CODE} exists: this script builds and rolls back its own")
    small, large = count(args.small), count(args.large)
    print(f"  {'page':<34} {'status':>6} {args.small:>8,} {args.large:>8,}")
    grows, fewer, broken = [], [], []
    for label in small:
        (s1, q1), (s2, q2) = small[label], large[label]
        mark = "  <- grows" if q2 > q1 else "  (fewer: see below)" if q2 < q1 else ""
        print(f"  {label:<34} {s2:>6} {q1:>8} {q2:>8}{mark}")
        if q2 > q1:
            grows.append(f"{label} {q1}->{q2}")
        elif q2 < q1:
            fewer.append(label)
        if s1 >= 400 or s2 >= 400:
            broken.append(f"{label} answered {s1}/{s2}")
    if fewer:
        # The record's timeline fetches the contacts and the forms on its page
        # by id, one query for each kind present: with 10 contacts the first
        # page holds forms too, with 10,000 only contacts. Bounded, not growing.
        print("  fewer at the larger size: the page shows fewer kinds of row, one query each")
    emit(
        "queries per page at 10 and 10,000 episodes",
        [q for _s, q in large.values()],
        unit="queries",
        target="no page runs more queries at 10,000",
        met=not grows and not broken,
        pages=len(small),
        summary=f"{len(small) - len(grows)} of {len(small)} pages constant, "
        f"{min(q for _s, q in small.values())} to {max(q for _s, q in small.values())} queries"
        + (f"; fewer at 10,000 (fewer kinds of row): {', '.join(fewer)}" if fewer else "")
        + (f"; GROWS: {', '.join(grows)}" if grows else "")
        + (f"; errors: {', '.join(broken)}" if broken else ""),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
