"""The fault measurements of docs/scaling.md ("When Redis or PostgreSQL is
away"), rerun against a stack of its own: a private PostgreSQL cluster and a
private Redis on free ports, gunicorn and a Celery worker started as the
Procfile starts them. Nothing shared is stopped; everything started here is
stopped by its own process id on the way out. Prints figures; asserts nothing.

    .venv/bin/python bench/faults.py [--outage 60] [--restart 10] [--writers 20]
        [--write-seconds 30] [--fuzz 1680] [--mute-saves 10]

(a) a Redis outage while keyworkers save; the sweep afterwards, twice;
(b) a PostgreSQL restart under a stream of requests;
(c) concurrent writers posting contacts: acknowledged against stored;
(d) odd values posted to the main forms: 500s and partial records;
(e) a Redis that accepts connections and never answers: outcome-form saves.

Run as root it starts PostgreSQL as the postgres user (initdb refuses root).
The machine may be shared: latencies are indicative."""

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PG_BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)
SECRET = "bench-only-not-a-secret-0123456789abcdefghijklmnop"  # noqa: S105
CSRF = "BenchCsrfSecret0123456789abcdefg"  # noqa: S105 - as bench/_web.py
STARTED: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- The private stack --------------------------------------------------------------


class Postgres:
    def __init__(self, root: Path) -> None:
        self.dir, self.port = root / "pg", free_port()
        self.dir.mkdir()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/nectos_faults"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(PG_BIN / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.dir), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def create_db(self) -> None:
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "nectos_faults"
        )


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = spawn(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            "redis",
        )
        wait_for(lambda: _answers(self.port), 10, "redis")

    def stop(self) -> None:
        stop(self.process)
        self.process = None


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


def spawn(command: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / f"faults-{name}-{os.getpid()}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    process.log_path = log.name  # type: ignore[attr-defined]
    STARTED.append(process)
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} not ready after {seconds:.0f} s")
        time.sleep(0.2)


def app_env(database_url: str, redis_url: str, port: int = 0) -> dict[str, str]:
    """Production settings on plain HTTP, as bench/_web.py, with a broker."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
        }
    )
    env.pop("CACHE_URL", None)
    env.pop("CELERY_EAGER", None)
    return env


def gunicorn(env: dict) -> tuple[subprocess.Popen, str]:
    """As the Procfile's web line: 3 workers."""
    port = free_port()
    env = {**env, "SITE_URL": f"http://127.0.0.1:{port}"}
    binary = str(Path(sys.executable).with_name("gunicorn"))
    server = spawn(
        [binary, "nectos.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"], "gunicorn", env
    )
    base = f"http://127.0.0.1:{port}"
    # 503 is an answer too: /healthz says so while Redis hangs, in (e).
    wait_for(lambda: get(base + "/healthz")[0] in (200, 503), 90, "gunicorn")
    return server, base


def worker(env: dict) -> subprocess.Popen:
    """As the Procfile's worker line."""
    celery = str(Path(sys.executable).with_name("celery"))
    process = spawn(
        [celery, "-A", "nectos", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "worker",
        env,
    )
    wait_for(lambda: "ready." in Path(process.log_path).read_text(errors="replace"), 90, "worker")
    return process


def succeeded(process: subprocess.Popen, task: str) -> int:
    text = Path(process.log_path).read_text(errors="replace")
    return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", text))


# --- Requests -----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with OPENER.open(url, timeout=30) as response:
            response.read()
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started


def post(base: str, path: str, data: dict, cookie: str) -> tuple[int, float]:
    """One POST, not following the redirect: (status, seconds); 0 when no
    answer came."""
    body = urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
    request = urllib.request.Request(  # noqa: S310
        base + path,
        data=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    started = time.monotonic()
    try:
        with OPENER.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0
    return status, time.monotonic() - started


# --- Data ---------------------------------------------------------------------------


def seed():
    """A service, a keyworker and a manager, and the episodes each
    measurement posts to (dated from today)."""
    from contingency.actions import cm_plan_start
    from nectos import clock
    from services.models import Role
    from tests.factories import MembershipFactory, ServiceFactory, UserFactory
    from tests.outcomes.top_support import top_episode
    from tests.pathway.conftest import assess, register

    today = clock.today()
    service = ServiceFactory(code="F", name="Fault service", tier=3)
    keyworker = UserFactory(username="faults-kw", full_name="Fault Keyworker")
    MembershipFactory(user=keyworker, service=service, role=Role.KEYWORKER)

    def episodes(n: int, days_ago: int) -> list:
        return [top_episode(service, keyworker, started_days_ago=days_ago) for _ in range(n)]

    data = {
        "service": service,
        "keyworker": keyworker,
        "contact": episodes(10, 45),
        "form30": episodes(4, 30),
        "top": episodes(1, 5),
        "restart": episodes(1, 20),
        "writers": episodes(20, 20),
        "fuzz": episodes(6, 30),
        "mute": episodes(12, 30),
    }
    referral = register(keyworker, service, on=today - dt.timedelta(days=40))
    assess(referral, on=today - dt.timedelta(days=33))
    data["assessed"] = referral
    plan = cm_plan_start(
        acting_user=keyworker,
        episode=data["fuzz"][0],
        start_date=today - dt.timedelta(days=14),
    )
    data["plan"] = plan
    return data


def contact_form(day: dt.date) -> dict:
    from tests.outcomes.test_redis_outage import contact_post

    return contact_post(day)


def referral_form(service) -> dict:
    from tests.pathway.test_register import form

    return form(service)


# --- (a) Redis outage ---------------------------------------------------------------


def redis_outage(base, cookie, data, redis, celery, seconds: float) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from nectos import clock
    from nectos.celery import app as celery_app
    from outcomes.models import Notification
    from submissions.models import Submission
    from tests.outcomes.conftest import form_post
    from tests.outcomes.test_top_views import post_data as top_post

    today = clock.today()

    def sweep() -> None:
        """What beat sends every 5 minutes, sent now; waits for the worker."""
        before = succeeded(celery, "outcomes.sweep_followups")
        celery_app.send_task("outcomes.sweep_followups")
        celery_app.send_task("nectos.sweep_jobs")
        wait_for(lambda: succeeded(celery, "outcomes.sweep_followups") > before, 120, "sweep")

    sweep()  # what is due before the outage is told first
    told_before = Notification.objects.count()

    saves: list[tuple[str, str, dict]] = []
    for i, episode in enumerate(data["contact"] * 3):
        day = today - dt.timedelta(days=i % 7)
        saves.append(
            ("contact", reverse("keywork:contact_new", args=[episode.pk]), contact_form(day))
        )
    for i in range(4):
        # Four different people: the same details would be asked about as a match.
        person = {"initials": "FR", "date_of_birth": f"198{i}-0{i + 1}-1{i}"}
        saves.append(("referral", "/referrals/new/", {**referral_form(data["service"]), **person}))
    referral = data["assessed"]
    start = {
        "tier": "3",
        "keyworker": str(data["keyworker"].pk),
        "start_date": (today - dt.timedelta(days=30)).isoformat(),
    }
    saves.append(("episode", reverse("keywork:episode_start", args=[referral.pk]), start))
    for episode in data["form30"]:
        saves.append(
            ("outcome_form", reverse("outcomes:form_create", args=[episode.pk]), form_post())
        )
    saves.append(("top", reverse("outcomes:top_create", args=[data["top"][0].pk]), top_post()))

    redis.stop()
    outage_started = time.monotonic()
    results = []
    gap = max(seconds - 5, 0) / len(saves)
    for kind, path, form in saves:
        key = str(uuid.uuid4()) if kind != "episode" else ""
        form = {**form, "submission_key": key} if key else form
        # Each save is sent twice, as a resend after a lost answer would be.
        first = post(base, path, form, cookie)
        second = post(base, path, form, cookie)
        results.append((kind, key, first, second))
        time.sleep(gap)
    while time.monotonic() - outage_started < seconds:
        time.sleep(0.5)
    outage = time.monotonic() - outage_started
    redis.start()

    connection.close()
    saved = sum(1 for _, _, first, _ in results if first[0] == 302)
    latencies = [r[2][1] for r in results] + [r[3][1] for r in results]
    same = sum(1 for _, _, first, second in results if first[0] == second[0])
    keys = [key for _, key, _, _ in results if key]
    stored = dict(Submission.objects.filter(key__in=keys).values_list("key", "object_id"))
    once = sum(1 for key in keys if stored.get(uuid.UUID(key)) is not None)
    kinds: dict[str, int] = {}
    for kind, *_ in results:
        kinds[kind] = kinds.get(kind, 0) + 1
    referral.refresh_from_db()
    episode_started = hasattr(referral, "episode")
    print(f"(a) Redis stopped for {outage:.1f} s; {len(results)} saves posted twice each: {kinds}")
    refused = [(kind, first[0]) for kind, _, first, _ in results if first[0] != 302]
    print(f"    saved (302) {saved} of {len(results)}; not saved: {refused or 'none'}")
    print(f"    the repeat answered with the first's status: {same} of {len(results)}")
    print(
        f"    latency max {max(latencies):.2f} s, "
        f"median {sorted(latencies)[len(latencies) // 2]:.2f} s"
    )
    print(
        f"    keyed saves stored once each: {once} of {len(keys)} (a key is unique per kind); "
        f"episode started: {episode_started}"
    )

    sweep()
    told_after = Notification.objects.count()
    sweep()
    told_again = Notification.objects.count()
    duplicates = (
        Notification.objects.values("followup_id", "kind")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"    notifications: {told_before} before, {told_after} after the first sweep "
        f"(+{told_after - told_before}), {told_again} after a second; duplicates {duplicates}"
    )


# --- (b) PostgreSQL restart ---------------------------------------------------------


def pg_restart(base, cookie, data, pg, gunicorn_process, down_for: float) -> None:
    from django.db import connection
    from django.urls import reverse

    from nectos import clock
    from submissions.models import Submission

    path = reverse("keywork:contact_new", args=[data["restart"][0].pk])
    log: list[tuple[float, str, int, float, str]] = []
    stop_event = threading.Event()
    t0 = time.monotonic()

    def stream() -> None:
        while not stop_event.is_set():
            status, took = get(base + "/healthz")
            log.append((time.monotonic() - t0, "healthz", status, took, ""))
            key = str(uuid.uuid4())
            status, took = post(
                base, path, {**contact_form(clock.today()), "submission_key": key}, cookie
            )
            log.append((time.monotonic() - t0, "contact", status, took, key))
            time.sleep(0.1)

    thread = threading.Thread(target=stream)
    thread.start()
    time.sleep(5)
    down = time.monotonic() - t0
    pg.stop()
    time.sleep(down_for)
    pg.start()
    up = time.monotonic() - t0
    time.sleep(10)
    stop_event.set()
    thread.join(60)
    connection.close()

    before = [r for r in log if r[0] < down]
    after = [r for r in log if r[0] - r[3] > up]  # sent after it was back
    during = [r for r in log if r not in before and r not in after]
    failed = lambda rows: [r for r in rows if r[2] not in (200, 302)]  # noqa: E731
    first_ok = min((r[0] for r in log if r[0] > up and r[2] in (200, 302)), default=None)
    keys_ok = {r[4] for r in log if r[1] == "contact" and r[2] == 302}
    keys_failed = {r[4] for r in log if r[1] == "contact" and r[2] != 302}
    stored = set(
        Submission.objects.filter(key__in=list(keys_ok | keys_failed)).values_list("key", flat=True)
    )
    stored = {str(k) for k in stored}
    statuses: dict[int, int] = {}
    for r in during:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    print(
        f"(b) PostgreSQL down {up - down:.1f} s (stop -m fast, start -w); "
        f"{len(log)} requests in all"
    )
    print(
        f"    before: {len(failed(before))} of {len(before)} failed; while down or restarting: "
        f"{len(failed(during))} of {len(during)} failed {statuses}; "
        f"after: {len(failed(after))} of {len(after)} failed"
    )
    print(
        f"    first success {first_ok - up if first_ok else float('nan'):.2f} s "
        "after the start returned; "
        f"gunicorn master still the same process: {gunicorn_process.poll() is None}"
    )
    print(
        f"    contacts acknowledged {len(keys_ok)}, all stored: {keys_ok <= stored}; "
        f"not acknowledged {len(keys_failed)}, of them stored: {len(keys_failed & stored)}"
    )


# --- (c) Concurrent writers ---------------------------------------------------------


def writers(base, cookie, data, n: int, seconds: float) -> None:
    from django.urls import reverse

    from keywork.models import Contact
    from nectos import clock
    from submissions.models import Submission

    episodes = data["writers"][:n]
    acknowledged: list[str] = []
    other: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    before = Contact.objects.filter(episode__in=episodes).count()

    def write(episode) -> None:
        path = reverse("keywork:contact_new", args=[episode.pk])
        while time.monotonic() < deadline:
            key = str(uuid.uuid4())
            status, _ = post(
                base, path, {**contact_form(clock.today()), "submission_key": key}, cookie
            )
            with lock:
                if status == 302:
                    acknowledged.append(key)
                else:
                    other[status] = other.get(status, 0) + 1

    threads = [threading.Thread(target=write, args=(e,)) for e in episodes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = Contact.objects.filter(episode__in=episodes).count() - before
    keyed = Submission.objects.filter(key__in=acknowledged, object_id__isnull=False).count()
    print(
        f"(c) {n} writers for {seconds:.0f} s: {len(acknowledged):,} contacts acknowledged, "
        f"{stored:,} stored ({keyed:,} of the acknowledged keys recorded); other answers {other}"
    )


# --- (d) Fuzz -----------------------------------------------------------------------

ODD = [
    "",
    " ",
    "²",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "1",
    "7",
    "8",
    "21",
    "99999999999999999999999",
    "1e400",
    "NaN",
    "inf",
    "-0",
    "2025-02-30",
    "0001-01-01",
    "9999-12-31",
    "31/12/2025",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "😀",
    "\u202e",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "x" * 10_000,
    "1" * 300,
    "yes",
    "no",
    "on",
    "true",
    "crack",
    "keywork",
    "attended",
]


def fuzz(base, cookie, data, n: int, rng: random.Random) -> None:
    from django.db.models import Count
    from django.urls import reverse

    from clients.models import Client, Referral
    from contingency.models import VoucherIssue
    from keywork.models import Contact
    from nectos import clock
    from outcomes.models import OutcomeForm
    from outcomes.top_models import TreatmentOutcomesProfile
    from submissions.models import Submission
    from tests.outcomes.conftest import form_post
    from tests.outcomes.test_top_views import post_data as top_post

    today = clock.today()
    plan = data["plan"]
    test = plan.tests.order_by("scheduled_date").first()
    episodes = data["fuzz"]
    forms = {
        "contact": (
            lambda e: reverse("keywork:contact_new", args=[e.pk]),
            contact_form(today),
            Contact,
        ),
        "referral": (lambda e: "/referrals/new/", referral_form(data["service"]), Referral),
        "outcome_form": (
            lambda e: reverse("outcomes:form_create", args=[e.pk]),
            form_post(),
            OutcomeForm,
        ),
        "top": (
            lambda e: reverse("outcomes:top_create", args=[e.pk]),
            top_post(),
            TreatmentOutcomesProfile,
        ),
        "voucher": (
            lambda e: reverse("contingency:vouchers", args=[plan.pk]),
            {"amount": "1.00", "issued_date": today.isoformat()},
            VoucherIssue,
        ),
        "drug_test": (
            lambda e: reverse("contingency:test_record", args=[test.pk]),
            {
                "result": "negative",
                "sample": "urine",
                "tested_date": test.scheduled_date.isoformat(),
            },
            None,
        ),
    }
    counts_before = {k: m.objects.count() for k, (_, _, m) in forms.items() if m}
    statuses: dict[int, int] = {}
    created: dict[str, int] = dict.fromkeys(forms, 0)
    for i in range(n):
        kind = list(forms)[i % len(forms)]
        url_of, valid, _ = forms[kind]
        form = dict(valid)
        for name in rng.sample(list(form), k=rng.randint(1, max(1, len(form) // 3))):
            form[name] = rng.choice(ODD)
        form["submission_key"] = rng.choice(
            [str(uuid.uuid4())] * 4 + ["", "²", "not-a-uuid", "\x00"]
        )
        status, _ = post(base, url_of(rng.choice(episodes)), form, cookie)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 302:
            created[kind] += 1
    grew = {k: m.objects.count() - counts_before[k] for k, (_, _, m) in forms.items() if m}
    unmatched = {k: (grew[k], created[k]) for k in grew if grew[k] != created[k]}
    claimed_unrecorded = Submission.objects.filter(object_id__isnull=True).count()
    clients_alone = Client.objects.annotate(n=Count("referrals")).filter(n=0).count()
    print(f"(d) {n:,} fuzzed POSTs to {', '.join(forms)}: answers {dict(sorted(statuses.items()))}")
    print(
        f"    500s: {statuses.get(500, 0)}; saved (302) {sum(created.values())}; "
        f"rows that grew differently from the saves: {unmatched or 'none'}; "
        f"claimed keys with no record: {claimed_unrecorded}; "
        f"clients without a referral: {clients_alone}"
    )


# --- (e) A Redis that never answers -------------------------------------------------


def mute_redis(pg_url: str, cookie, data, saves: int) -> None:
    from django.urls import reverse

    from outcomes.models import OutcomeForm
    from tests.outcomes.celery_support import mute_listener
    from tests.outcomes.conftest import form_post

    with mute_listener() as url:
        server, base = gunicorn(app_env(pg_url, url))
        try:
            episodes = data["mute"][:saves]
            # One page first per worker: templates loaded, the save is what is timed.
            for _ in range(3):
                get(base + "/healthz")
            timings = []
            for episode in episodes:
                status, took = post(
                    base,
                    reverse("outcomes:form_create", args=[episode.pk]),
                    {**form_post(), "submission_key": str(uuid.uuid4())},
                    cookie,
                )
                timings.append((status, took))
        finally:
            stop(server)
    stored = OutcomeForm.objects.filter(episode__in=episodes).count()
    times = sorted(t for _, t in timings)
    print(
        "(e) broker and cache a port that accepts and never answers: "
        f"{len(timings)} outcome-form saves, "
        f"statuses {sorted({s for s, _ in timings})}, stored {stored}"
    )
    print(
        f"    save time min {times[0]:.2f} s, median {times[len(times) // 2]:.2f} s, "
        f"max {times[-1]:.2f} s "
        f"(each: {', '.join(f'{t:.2f}' for _, t in timings)})"
    )


# --- Main ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outage", type=float, default=60, help="seconds Redis is away in (a)")
    parser.add_argument(
        "--restart", type=float, default=10, help="seconds PostgreSQL is down in (b)"
    )
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--write-seconds", type=float, default=30)
    parser.add_argument("--fuzz", type=int, default=1680)
    parser.add_argument("--mute-saves", type=int, default=10)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    if PG_BIN is None or not shutil.which("redis-server"):
        print("needs PostgreSQL's initdb (/usr/lib/postgresql/*/bin) and redis-server")
        return 1

    root = Path(tempfile.mkdtemp(prefix="nectos-faults-"))
    pg = Postgres(root)
    redis = Redis()
    try:
        pg.start()
        pg.create_db()
        redis.start()
        env = app_env(pg.url, redis.url)
        os.environ.update(
            {
                k: v
                for k, v in env.items()
                if k
                in (
                    "DEBUG",
                    "SECRET_KEY",
                    "SECURE_SSL_REDIRECT",
                    "LOG_LEVEL",
                    "DATABASE_URL",
                    "REDIS_URL",
                )
            }
        )
        os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        os.environ["SITE_URL"] = "http://127.0.0.1"
        os.environ["DJANGO_SETTINGS_MODULE"] = "nectos.settings"
        started = time.monotonic()
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        from _web import mint_session

        data = seed()
        cookie = mint_session(data["keyworker"])
        print(
            f"stack ready in {time.monotonic() - started:.0f} s: "
            f"PostgreSQL {pg.port}, Redis {redis.port}"
        )
        celery = worker(env)
        server, base = gunicorn(env)

        redis_outage(base, cookie, data, redis, celery, args.outage)
        pg_restart(base, cookie, data, pg, server, args.restart)
        writers(base, cookie, data, args.writers, args.write_seconds)
        fuzz(base, cookie, data, args.fuzz, random.Random(args.seed))
        stop(server)
        mute_redis(pg.url, cookie, data, args.mute_saves)
    finally:
        for process in reversed(STARTED):
            stop(process)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
