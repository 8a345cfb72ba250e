"""The national data set: 150 services, 300,000 referrals over
three years, about 5 million contacts and 300,000 outcome forms, from the
same simulation as the demo (synthetic.py) but bulk-loaded with COPY.

It is a benchmark data set, not an import: it goes straight into empty
tables with COPY, with triggers and foreign-key checks off for the load
(SET LOCAL session_replication_role = replica), so it writes no pghistory
events. Every row is consistent by construction; the demo, made by the
same simulation, goes through the checked import, and a test exports a
small national set and checks it with import_bundle --dry-run."""

import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from clients.models import Appointment, Client, Referral
from clients.review_models import REVIEW_COLUMNS, REVIEW_ITEMS, ClientReview
from interchange import synthetic, synthetic_top
from interchange.cm_synthetic import create_cm_plans
from interchange.demo import DEMO_PASSWORD
from keywork.models import Contact, ContactIntervention, Episode
from nectos import clock
from outcomes.models import OutcomeForm
from outcomes.top_models import ITEM_COLUMNS, TreatmentOutcomesProfile
from outcomes.top_models import ITEMS as TOP_ITEMS
from services.models import Membership, Role, Service, User

TOWNS = [
    "Ashford", "Barnsley", "Bedford", "Blackpool", "Bolton", "Bradford", "Brighton", "Bristol",
    "Burnley", "Bury", "Cambridge", "Carlisle", "Chester", "Colchester", "Coventry", "Crawley",
    "Derby", "Doncaster", "Dudley", "Durham", "Exeter", "Gateshead", "Gloucester", "Grimsby",
    "Halifax", "Harlow", "Hastings", "Hereford", "Hull", "Ipswich", "Kendal", "Leeds",
    "Leicester", "Lincoln", "Luton", "Maidstone", "Margate", "Middlesbrough", "Norwich",
    "Nottingham", "Oldham", "Oxford", "Peterborough", "Plymouth", "Preston", "Reading",
    "Rochdale", "Salford", "Sheffield", "Slough", "Southend", "Stockport", "Sunderland",
    "Swindon", "Telford", "Torquay", "Wakefield", "Walsall", "Wigan", "Worcester",
]  # fmt: skip
KINDS = {2: "Open Access", 3: "Stimulant Service", 4: "Residential"}


def national_plan(
    rng: random.Random, *, services: int = 150, referrals: int = 300_000
) -> tuple[list[tuple], list[tuple], list[synthetic.ServiceProfile]]:
    """Services (code, name, tier, drop-in, weeks), staff (username, full
    name, [(code, role)], superuser) and each service's profile."""
    rows, staff, profiles = [], [], []
    weights = []
    for i in range(1, services + 1):
        kind = i % 10
        tier = 4 if kind == 0 else 2 if kind in (3, 7) else 3
        weights.append(0.35 if tier == 4 else 1.3 if tier == 2 else 1.0)
    scale = referrals / sum(weights)
    counts = [int(w * scale) for w in weights]
    counts[0] += referrals - sum(counts)
    commissioners: list[tuple[str, list[tuple[str, Role]]]] = []
    for i in range(1, services + 1):
        kind = i % 10
        code = f"N{i:03d}"
        tier = 4 if kind == 0 else 2 if kind in (3, 7) else 3
        weeks = 12 if kind == 5 else None
        town = TOWNS[(i - 1) % len(TOWNS)]
        area = ("", " North", " South")[(i - 1) // len(TOWNS) % 3]
        rows.append((code, f"{town}{area} {KINDS[tier]}", tier, tier == 2 or kind == 1, weeks))
        n_keyworkers = max(2, round(counts[i - 1] / 400))
        keyworkers = [f"{code.lower()}_kw{j}" for j in range(1, n_keyworkers + 1)]
        for j, username in enumerate(keyworkers, start=1):
            staff.append((username, f"Keyworker {j} {code}", [(code, Role.KEYWORKER)], False))
        staff.append((f"{code.lower()}_mgr", f"Manager {code}", [(code, Role.MANAGER)], False))
        if (i - 1) % 10 == 0:
            commissioners.append((f"comm{len(commissioners) + 1:02d}", []))
        commissioners[-1][1].append((code, Role.COMMISSIONER))
        intensive = kind in (1, 2, 4, 6, 8)
        profiles.append(
            synthetic.ServiceProfile(
                code,
                tier,
                counts[i - 1],
                # A busy first keyworker, the way real caseloads are uneven.
                [(u, 1.6 if j == 0 else 1.0) for j, u in enumerate(keyworkers)],
                3.3 if intensive else rng.uniform(8.0, 10.0),
                open_access=tier == 2 or kind == 1,
                programme_weeks=weeks,
                # Structured services run groups on two or three days a week.
                group_weekdays=tuple(sorted(rng.sample(range(5), rng.choice((2, 2, 3))))),
                planned_days=(84, 84, 56, 42) if tier == 4 else (84,),
            )
        )
    for username, roles in commissioners:
        staff.append((username, f"Commissioner {username[4:]}", roles, False))
    staff.append(("national_admin", "National Administrator", [], True))
    return rows, staff, profiles


class _Table:
    """A temporary COPY file for one model: the given columns, then every
    other column with the default Model.save would give it."""

    def __init__(self, folder: Path, model: type[models.Model], given: list[str]) -> None:
        self.model = model
        self.columns = list(given)
        extras = []
        now = clock.now().isoformat()
        for field in model._meta.concrete_fields:
            if field.column in given or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() and not callable(field.default):
                value = field.get_db_prep_save(field.get_default(), connection)
            elif field.null:
                continue
            elif field.blank and field.empty_strings_allowed:
                value = ""
            else:
                raise RuntimeError(f"{model.__name__}.{field.name}: no value for the national load")
            self.columns.append(field.column)
            extras.append("t" if value is True else "f" if value is False else str(value))
        self.tail = "".join("\t" + e for e in extras) + "\n"
        self.path = folder / f"{model._meta.db_table}.copy"
        self.file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
        self.rows = 0

    def write(self, head: str) -> None:
        self.file.write(head + self.tail)
        self.rows += 1

    def load(self) -> None:
        self.file.close()
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with open(self.path, encoding="utf-8") as f, connection.cursor() as cursor:
            cursor.copy_expert(f'COPY "{self.model._meta.db_table}" ({cols}) FROM STDIN', f)
        self.path.unlink()


def _n(value) -> str:
    return "\\N" if value is None else str(value)


class CopySink:
    """Receives the simulation's records and writes COPY lines with ids."""

    def __init__(self, folder: Path, services: dict[str, int], users: dict[str, int]) -> None:
        self.services, self.users = services, users
        self.uuids = random.Random(7)
        self.base = {
            m: _max_id(m) for m in (Client, Referral, Appointment, Episode, Contact, OutcomeForm)
        }
        self.clients = _Table(
            folder,
            Client,
            ["id", "key", "reference", "initials", "date_of_birth", "sex_id", "ethnicity_id",
             "preferred_name"],
        )  # fmt: skip
        self.referrals = _Table(
            folder,
            Referral,
            ["id", "reference", "client_id", "service_id", "referral_date", "source_id",
             "primary_substance_id"],
        )  # fmt: skip
        self.appointments = _Table(
            folder, Appointment, ["referral_id", "offered_date", "appointment_date", "attendance"]
        )
        self.episodes = _Table(
            folder,
            Episode,
            ["id", "reference", "referral_id", "tier", "start_date", "end_date",
             "discharge_reason_id", "keyworker_id", "planned_days"],
        )  # fmt: skip
        self.contacts = _Table(
            folder,
            Contact,
            ["id", "episode_id", "contact_date", "contact_type", "mode", "duration_minutes",
             "attendance"],
        )  # fmt: skip
        self.interventions = _Table(folder, ContactIntervention, ["contact_id", "intervention_id"])
        self.forms = _Table(
            folder,
            OutcomeForm,
            ["episode_id", "timepoint", "form_date", "reported_by", "crack_days",
             "crack_spend_per_day", "heroin_days", "cocaine_days", "alcohol_days",
             "other_drug_days", "crime_involved", "physical_health", "psychological_health",
             "quality_of_life"],
        )  # fmt: skip
        self.contact_id = self.base[Contact]
        self.tops = _Table(
            folder,
            TreatmentOutcomesProfile,
            ["episode_id", "stage", "top_date", *(ITEM_COLUMNS[i] for i in TOP_ITEMS), "declined"],
        )
        self.reviews = _Table(
            folder,
            ClientReview,
            ["episode_id", "review_date", *(REVIEW_COLUMNS[i] for i in REVIEW_ITEMS), "declined"],
        )

    def tables(self) -> list[_Table]:
        return [
            self.clients,
            self.referrals,
            self.appointments,
            self.episodes,
            self.contacts,
            self.interventions,
            self.forms,
            self.tops,
            self.reviews,
        ]

    def top_records(self, episode_no, rows) -> None:
        """TOPs and client information reviews (synthetic_top)."""
        episode_id = self.base[Episode] + episode_no
        for kind, date, stage, cells in rows:
            if kind == "top":
                fields = synthetic_top.copy_fields(cells, TOP_ITEMS, ITEM_COLUMNS)
                self.tops.write("\t".join([str(episode_id), stage, str(date), *fields]))
            else:
                fields = synthetic_top.copy_fields(cells, REVIEW_ITEMS, REVIEW_COLUMNS)
                self.reviews.write("\t".join([str(episode_id), str(date), *fields]))

    def client(self, no, initials, dob, sex, ethnicity, preferred_name) -> None:
        key = uuid.UUID(int=self.uuids.getrandbits(128), version=4)
        self.clients.write(
            f"{self.base[Client] + no}\t{key}\t{synthetic.client_ref(no)}\t{initials}\t{dob}"
            f"\t{sex}\t{ethnicity}\t{preferred_name}"
        )

    def referral(self, no, client_no, service, date, source, substance) -> None:
        self.referrals.write(
            f"{self.base[Referral] + no}\t{synthetic.referral_ref(no)}"
            f"\t{self.base[Client] + client_no}\t{self.services[service]}\t{date}\t{source}"
            f"\t{substance}"
        )

    def appointment(self, referral_no, offered, date, attendance) -> None:
        self.appointments.write(
            f"{self.base[Referral] + referral_no}\t{offered}\t{date}\t{attendance}"
        )

    def episode(self, no, referral_no, tier, start, end, reason, keyworker, planned) -> None:
        self.episodes.write(
            f"{self.base[Episode] + no}\t{synthetic.episode_ref(no)}"
            f"\t{self.base[Referral] + referral_no}\t{tier}\t{start}\t{_n(end)}\t{_n(reason)}"
            f"\t{self.users[keyworker]}\t{_n(planned)}"
        )

    def contact(self, episode_no, date, kind, mode, minutes, attendance, interventions) -> None:
        self.contact_id += 1
        cid = self.contact_id
        self.contacts.write(
            f"{cid}\t{self.base[Episode] + episode_no}\t{date}\t{kind}\t{mode}\t{_n(minutes)}"
            f"\t{attendance}"
        )
        for code in interventions:
            self.interventions.write(f"{cid}\t{code}")

    def outcome(self, episode_no, timepoint, date, reported_by, *values) -> None:
        days, spend, heroin, cocaine, alcohol, other, crime, phys, psych, qol = values
        self.forms.write(
            f"{self.base[Episode] + episode_no}\t{timepoint}\t{date}\t{reported_by}\t{days}"
            f"\t{_n(spend)}\t{heroin}\t{cocaine}\t{alcohol}\t{other}\t{'t' if crime else 'f'}"
            f"\t{phys}\t{psych}\t{qol}"
        )


def _max_id(model: type[models.Model]) -> int:
    return model.objects.aggregate(m=models.Max("pk"))["m"] or 0  # type: ignore[attr-defined]


def _services_and_staff(service_rows, staff_rows) -> tuple[dict[str, int], dict[str, int]]:
    Service.objects.bulk_create(
        [
            Service(code=c, name=n, tier=t, open_access_drop_in=d, day_programme_weeks=w)
            for c, n, t, d, w in service_rows
        ],
        batch_size=1000,
    )
    services = dict(Service.objects.values_list("code", "pk"))
    # One shared, known password, so the benchmarks can sign in as anyone.
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                username=u,
                full_name=name,
                email=f"{u}@national.invalid",
                password=password,
                is_superuser=admin,
                is_staff=admin,
            )
            for u, name, _roles, admin in staff_rows
        ],
        batch_size=1000,
    )
    users = dict(User.objects.values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=users[u], service_id=services[code], role=role)
            for u, _name, roles, _admin in staff_rows
            for code, role in roles
        ],
        batch_size=2000,
    )
    return services, users


def generate_national(
    *,
    seed: int,
    log: Callable[[str], None] = print,
    services: int = 150,
    referrals: int = 300_000,
    follow_ups: bool = True,
) -> Iterator[str]:
    """Build the national data set; yields the summary lines."""
    if Client.objects.exists() or Service.objects.exists():
        raise RuntimeError(
            "the national data set loads into an empty database (no services, no clients): "
            "create a fresh database and migrate it first"
        )
    started = time.perf_counter()
    rng = random.Random(seed)
    service_rows, staff_rows, profiles = national_plan(rng, services=services, referrals=referrals)
    with tempfile.TemporaryDirectory(prefix="nectos-national-") as tmp, transaction.atomic():
        ids, users = _services_and_staff(service_rows, staff_rows)
        sink = CopySink(Path(tmp), ids, users)
        simulation = synthetic.Simulation(rng, profiles, sink)
        simulation.run()
        log(f"  simulated in {time.perf_counter() - started:.0f}s")
        with connection.cursor() as cursor:
            # Bench data, consistent by construction: no triggers, no FK checks.
            cursor.execute("SET LOCAL session_replication_role = replica")
        for table in sink.tables():
            t = time.perf_counter()
            table.load()
            name = table.model._meta.db_table
            log(f"  {name}: {table.rows:,} rows in {time.perf_counter() - t:.0f}s")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
            for model in (Client, Referral, Appointment, Episode, Contact, ContactIntervention,
                          OutcomeForm, TreatmentOutcomesProfile, ClientReview):  # fmt: skip
                db_table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{db_table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {db_table}))"
                )
        counts = {t.model._meta.db_table: t.rows for t in sink.tables()}
    t = time.perf_counter()
    with connection.cursor() as cursor:
        for name in counts:
            cursor.execute(f'ANALYZE "{name}"')
    log(f"  analysed in {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    plans = create_cm_plans(rng, simulation.as_of)
    log(f"  {plans:,} CM plans in {time.perf_counter() - t:.0f}s")
    if follow_ups:
        t = time.perf_counter()
        from outcomes.actions import followups_sweep

        open_ids = list(Episode.objects.filter(end_date__isnull=True).values_list("pk", flat=True))
        followups_sweep(as_of=clock.today(), episode_ids=open_ids)
        log(f"  follow-ups of {len(open_ids):,} open episodes in {time.perf_counter() - t:.0f}s")
    # What was written after the tables above were analysed (CM plans, their
    # tests and vouchers and their history, follow-ups): a planner with no
    # statistics for them read a service's every episode to check a
    # dashboard for changes (45 ms a view; 7 ms analysed).
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  everything analysed again in {time.perf_counter() - t:.0f}s")
    yield f"National data set (seed {seed}) in {time.perf_counter() - started:.0f}s:"
    yield f"  services             {len(service_rows):>10,}"
    yield f"  staff                {len(staff_rows):>10,}"
    for name, n in counts.items():
        yield f"  {name:<28} {n:>10,}"
