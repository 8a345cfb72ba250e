"""The page benchmarks' machinery: gunicorn on 127.0.0.1 with production
settings, sessions minted through Django's own session store, a bounded
load generator (wrk when installed, else Python threads), and an open-loop
one at a fixed arrival rate (open_loop, for bench/tail.py).

Load model: each of N users is one keep-alive connection that sends a
request, waits for the answer, thinks for a while (uniformly 1 to 5 s, as
in locust's own quick start, unless told otherwise) and sends the next.
Latency is measured from send to last byte and does not include the
thinking. `think=0` gives the flat-out
(closed-loop) variant, where latency is mostly queueing for a worker.
Every run is bounded twice: by its duration and by a count of requests."""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_SECRET = "bench-only-not-a-secret-0123456789abcdefghijklmnop"  # noqa: S105
# A CSRF secret (32 characters of Django's alphabet): sent as the cookie and
# as the form token, which Django accepts unmasked.
CSRF_SECRET = "BenchCsrfSecret0123456789abcdefg"  # noqa: S105


def server_env(port: int) -> dict[str, str]:
    """Production settings, on plain HTTP on 127.0.0.1 (no TLS in front)."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or BENCH_SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
    )
    # Tasks run in-process without Redis; the pages measured queue none.
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    return env


def force_production_settings() -> None:
    """The bench process runs with the server's settings (cookie names,
    static manifest), on plain HTTP, with tasks in-process."""
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("SITE_URL", "http://127.0.0.1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CACHE_URL", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    workers: int = 3,
    *,
    timeout: float = 90,
    worker_class: str = "sync",
    threads: int = 1,
    access_log: str | Path | None = None,
    access_log_format: str | None = None,
    app: str = "nectos.wsgi",
) -> Iterator[str]:
    """Serve the project with gunicorn on 127.0.0.1 and yield its base URL;
    stop it (only the process started here) on the way out. `access_log`, a
    file for gunicorn's access log (none by default: it costs the workers a
    write a request), in `access_log_format`; `app`, another WSGI module
    (bench/_served.py times each request for that log)."""
    port = _free_port()
    env = server_env(port)
    python = sys.executable
    # DEBUG off serves static files through the manifest: build it first.
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        str(Path(python).with_name("gunicorn")),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    if worker_class != "sync" or threads != 1:
        command += ["--worker-class", worker_class, "--threads", str(threads)]
    if access_log is not None:
        command += ["--access-logfile", str(access_log)]
        if access_log_format is not None:
            command += ["--access-logformat", access_log_format]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    _SERVERS[base] = server.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start: see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:.0f} s")
            time.sleep(0.5)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
        if not os.environ.get("BENCH_KEEP_LOG"):
            Path(log.name).unlink(missing_ok=True)
        _SERVERS.pop(base, None)


_SERVERS: dict[str, int] = {}


def _cpu_of(pid: int) -> float:
    """CPU seconds one process has run, all its threads (a gthread worker
    serves requests on threads other than its first), from schedstat:
    nanoseconds, unlike the 10 ms ticks of /proc/<pid>/stat; 0 when it has
    gone."""
    total = 0.0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        # A thread may end in between.
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int((task / "schedstat").read_text().split()[0]) / 1e9
    return total


def cpu_snapshot(base: str) -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds used so far by each of the server's workers and each
    PostgreSQL client backend connected to this database (not this
    process's own, not autovacuum), by pid. On a shared machine the wall clock mostly
    measures waiting for a core; CPU per request is what a page costs,
    whatever else runs."""
    from django.db import connection

    master = _SERVERS[base]
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    app = {int(pid): _cpu_of(int(pid)) for pid in children}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        db = {pid: _cpu_of(pid) for (pid,) in cursor.fetchall()}
    return app, db


def cpu_used(before: tuple[dict, dict], after: tuple[dict, dict]) -> tuple[float, float]:
    """(app, database) CPU seconds between two snapshots. A backend that
    appeared in between (connections are recycled after 60 s) counts from
    zero; one that went away is lost, which undercounts slightly."""
    app = sum(cpu - before[0].get(pid, 0.0) for pid, cpu in after[0].items())
    db = sum(cpu - before[1].get(pid, 0.0) for pid, cpu in after[1].items())
    return app, db


# --- Sessions ------------------------------------------------------------------


def mint_session(user) -> str:
    """A signed-in, second-factor-verified session for `user`, made the way
    the sign-in view makes one; returns the Cookie header value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from security.sessions import SIGNED_IN_AT, SessionStore

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = time.time()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {csrf_cookie()}"


def csrf_cookie() -> str:
    from django.conf import settings

    return f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


def forget_sessions(cookies: list[str]) -> None:
    """Delete the sessions minted for a run."""
    from django.conf import settings

    from security.sessions import SessionStore

    prefix = f"{settings.SESSION_COOKIE_NAME}="
    for cookie in cookies:
        key = cookie.split(";")[0].removeprefix(prefix)
        SessionStore(session_key=key).delete()


# --- Load ------------------------------------------------------------------------


@dataclass
class Call:
    """One kind of request a user sends: GET when body is None."""

    path: str
    cookie: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return "GET" if self.body is None else "POST"

    def request_headers(self) -> dict[str, str]:
        """The headers sent with it: the session cookie, its own, and the
        form's content type for a POST."""
        headers = {"Cookie": self.cookie, **self.headers}
        if self.body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers


@dataclass
class LoadResult:
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bad_status: int
    errors: int
    seconds: float
    generator: str
    cpu_app_ms: float = 0.0  # per request, the gunicorn workers
    cpu_db_ms: float = 0.0  # per request, the PostgreSQL backends

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Sample:
    """One request as the load generator saw it, in wall-clock seconds (the
    clock gunicorn's side reads too, on the same machine)."""

    tag: str  # sent as the X-Bench-Id header, which the access log can name
    scheduled: float  # when it was meant to go: its arrival, or the end of thinking
    sent: float  # when the connection was opened
    done: float  # the answer's last byte read, or the failure
    status: int  # 0 when the connection failed

    @property
    def lag_ms(self) -> float:
        """How late the generator sent it: its own scheduling, not the server's."""
        return 1000 * (self.sent - self.scheduled)


def _exchange(connection, call: Call, headers: dict[str, str]) -> int:
    """Send the call on the connection and read the whole answer: its
    status (OSError when the connection fails)."""
    connection.request(call.method, call.path, body=call.body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile of the values (0 when there are none)."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check_once(base: str, call: Call, expect: int, marker: str | None = None) -> str:
    """One request before the load: the answer must be the page itself, not
    a sign-in redirect or an error."""
    request = urllib.request.Request(  # noqa: S310
        base + call.path,
        data=call.body.encode() if call.body is not None else None,
        headers=call.request_headers(),
        method=call.method,
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode("utf-8", "replace")
    if status != expect or (marker is not None and marker not in body):
        raise RuntimeError(
            f"{call.method} {call.path} answered {status} (wanted {expect}"
            f"{f' and {marker!r}' if marker else ''})"
        )
    return body


def load(
    base: str,
    calls: list[Call],
    *,
    users: int,
    seconds: float,
    max_requests: int,
    expect: int = 200,
    think: tuple[float, float] = (1.0, 5.0),
    samples: list[Sample] | None = None,
    fresh: bool = False,
    together: bool = False,
) -> LoadResult:
    """Run the load once. With think time, Python threads that open each
        connection when they send, as a browser does: gunicorn's sync workers
        close the connection after every response, and wrk reconnects at once
        and then thinks, so a worker that accepts that idle connection sits
        blocked on it for seconds (measured: the contact POST's p95 was 2.5 s at
        12% of one core). A browser opens its next connection when it has a
        request to send; in production a buffering proxy (docs/scaling.md)
        hands gunicorn only complete requests. Flat out (no think time), wrk
        when it is installed. Each user starts somewhere in its first think
    unless `together`. `samples` gets each request (the threads only);
        `fresh` opens a connection for every request even where the server would
        keep it alive: gthread workers do, and drop it after 2 s idle, so a user
        that thought longer fails its next request on the dead connection
        (measured: 57 errors in 161 requests of the client record)."""
    if think[1] == 0 and shutil.which("wrk") and samples is None and not fresh:
        return _wrk(base, calls, users, seconds, max_requests, expect, think)
    return _threads(
        base, calls, users, seconds, max_requests, expect, think, samples, fresh, together
    )


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


WRK_SCRIPT = """
calls = { %(calls)s }
expect = %(expect)d
think_min, think_max = %(think_min)d, %(think_max)d
limit = %(limit)d
threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads)
end
function init(args)
  n, bad, seen = offset, 0, 0
  math.randomseed(offset * 7919)
end
function request()
  n = n + 1
  local c = calls[(n %% #calls) + 1]
  return wrk.format(c[1], c[2], c[3], c[4])
end
function delay()
  if think_max == 0 then return 0 end
  return math.random(think_min, think_max)
end
function response(status, headers, body)
  seen = seen + 1
  if status ~= expect then bad = bad + 1 end
  if seen >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, ' ..
    '"bad": %%d, "errors": %%d, "duration": %%d}\\n',
    summary.requests, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, total_bad, e.connect + e.read + e.write + e.timeout, summary.duration))
end
"""


def _wrk(base, calls, users, seconds, max_requests, expect, think) -> LoadResult:
    threads = min(2, users)
    entries = []
    for call in calls:
        headers = call.request_headers()
        lua_headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
        )
        body = "nil" if call.body is None else _lua_string(call.body)
        method, path = _lua_string(call.method), _lua_string(call.path)
        entries.append(f"{{ {method}, {path}, {{ {lua_headers} }}, {body} }}")
    script = WRK_SCRIPT % {
        "calls": ",\n  ".join(entries),
        "expect": expect,
        "think_min": int(think[0] * 1000),
        "think_max": int(think[1] * 1000),
        "limit": max(1, max_requests // threads),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{users}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        Path(f.name).unlink(missing_ok=True)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    d = json.loads(line.removeprefix("WRKJSON "))
    return LoadResult(
        requests=d["requests"],
        p50_ms=d["p50"] / 1000,
        p95_ms=d["p95"] / 1000,
        p99_ms=d["p99"] / 1000,
        max_ms=d["max"] / 1000,
        bad_status=d["bad"],
        errors=d["errors"],
        seconds=d["duration"] / 1e6,
        generator="wrk",
    )


def _threads(
    base, calls, users, seconds, max_requests, expect, think, samples=None, fresh=False,
    together=False,
) -> LoadResult:  # fmt: skip
    """`samples`, a list to get every request (tagged with X-Bench-Id);
    `fresh`, a new connection for every request, closed after its answer
    (Connection: close), whatever the server would keep alive; `together`,
    every user's first request at the same instant (bench/tail.py shows
    what that does to the p95)."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    bad = errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def user(offset: int) -> None:
        nonlocal bad, errors
        rng = random.Random(offset)
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        n = offset
        if think[1] and not together:
            # Users who think do not all click at the same instant: each
            # starts somewhere in its first think. Started together, the
            # first requests of all the users arrive at once, queue behind
            # each other for the workers, and make the run's p95
            # (bench/tail.py measured it: docs/benchmarks.md).
            time.sleep(min(rng.uniform(0, think[1]), max(0.0, stop_at - time.monotonic())))
        wake = time.time()
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            call = calls[n % len(calls)]
            n += 1
            headers = call.request_headers()
            tag = f"u{offset}.{n}"
            if samples is not None:
                headers["X-Bench-Id"] = tag
            if fresh:
                headers["Connection"] = "close"
            sent = time.time()
            began = time.perf_counter()
            try:
                status = _exchange(connection, call, headers)
            except OSError:
                with lock:
                    errors += 1
                    if samples is not None:
                        samples.append(Sample(tag, wake, sent, time.time(), 0))
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                wake = time.time()
                continue
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                bad += status != expect
                if samples is not None:
                    samples.append(Sample(tag, wake, sent, sent + elapsed, status))
            if fresh:
                connection.close()
            if think[1]:
                pause = rng.uniform(*think)
                wake = time.time() + pause
                # Thinking past the window sends nothing: stop with it.
                time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))
            else:
                wake = time.time()
        connection.close()

    began = time.perf_counter()
    workers = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 30)
    elapsed = min(time.perf_counter() - began, seconds)
    ms = [1000 * x for x in latencies]
    return LoadResult(
        requests=len(latencies),
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        max_ms=max(ms, default=0.0),
        bad_status=bad,
        errors=errors,
        seconds=elapsed,
        generator="python threads",
    )


def open_loop(
    base: str,
    calls: list[Call],
    *,
    rate: float,
    seconds: float,
    expect: int = 200,
    arrivals: str = "poisson",
    seed: int = 1,
    timeout: float = 10.0,
    samples: list[Sample] | None = None,
) -> LoadResult:
    """Requests at a fixed arrival rate, whatever the server does: a
    timetable worked out first (Poisson arrivals from `seed`, or evenly
    spaced), each request sent at its time on a fresh connection
    (Connection: close) by one of a pool of threads big enough to hold every
    request that could be in flight until the timeout, so a slow answer never
    holds back the next send. Latency is from the scheduled time, not the
    send: a late send (the generator's own scheduling) counts against the
    request, as a user would see it, instead of being left out (coordinated
    omission). Calls are taken in turn."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    rng = random.Random(seed)
    timetable: list[float] = []
    t = 0.0
    while True:
        t += rng.expovariate(rate) if arrivals == "poisson" else 1 / rate
        if t >= seconds:
            break
        timetable.append(t)
    own: list[Sample] = []
    lock = threading.Lock()
    following = iter(enumerate(timetable))
    # Every request that could be outstanding at once, and some to spare.
    pool = min(1000, int(rate * timeout * 1.2) + 8)
    start = time.time() + 0.5  # the pool's threads are all waiting by then

    def sender() -> None:
        while True:
            with lock:
                claimed = next(following, None)
            if claimed is None:
                return
            n, offset = claimed
            scheduled = start + offset
            pause = scheduled - time.time()
            if pause > 0:
                time.sleep(pause)
            call = calls[n % len(calls)]
            headers = call.request_headers() | {"X-Bench-Id": f"o{n}", "Connection": "close"}
            sent = time.time()
            connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
            try:
                status = _exchange(connection, call, headers)
            except OSError:
                status = 0
            finally:
                connection.close()
            sample = Sample(f"o{n}", scheduled, sent, time.time(), status)
            with lock:
                own.append(sample)

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(pool)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    if samples is not None:
        samples.extend(own)
    answered = [x for x in own if x.status]
    ms = [1000 * (x.done - x.scheduled) for x in answered]
    return LoadResult(
        requests=len(answered),
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        max_ms=max(ms, default=0.0),
        bad_status=sum(x.status != expect for x in answered),
        errors=len(own) - len(answered),
        seconds=max((x.done for x in own), default=start) - start,
        generator=f"python open loop, {arrivals} arrivals at {rate:.1f}/s",
    )


def service_times(
    base: str, calls: list[Call], *, requests: int = 40, warm: int = 9
) -> list[float]:
    """One user, one request at a time, nothing else of ours running: the CPU
    each request costs the server (workers + PostgreSQL backends), in ms.
    That is the page's latency on an idle machine, before any queueing."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    costs = []
    for n in range(warm + requests):
        call = calls[n % len(calls)]
        before = cpu_snapshot(base)
        _exchange(connection, call, call.request_headers())
        app, db = cpu_used(before, cpu_snapshot(base))
        if n >= warm:  # each worker compiles its templates on first use
            costs.append(1000 * (app + db))
    connection.close()
    return costs


# --- Runs and the result line --------------------------------------------------


def repeated(
    base: str,
    calls: list[Call],
    *,
    runs: int,
    users: int = 20,
    seconds: float = 20,
    max_requests: int = 2000,
    expect: int = 200,
    think: tuple[float, float] = (1.0, 5.0),
    warmup_seconds: float = 5,
) -> list[LoadResult]:
    """A warm-up (discarded), then `runs` runs; prints each."""
    load(base, calls, users=users, seconds=warmup_seconds, max_requests=200, expect=expect,
         think=think)  # fmt: skip
    results = []
    for i in range(runs):
        before = cpu_snapshot(base)
        r = load(
            base,
            calls,
            users=users,
            seconds=seconds,
            max_requests=max_requests,
            expect=expect,
            think=think,
        )
        app, db = cpu_used(before, cpu_snapshot(base))
        if r.requests:
            r.cpu_app_ms = 1000 * app / r.requests
            r.cpu_db_ms = 1000 * db / r.requests
        print(
            f"  run {i + 1}: {r.requests} requests in {r.seconds:.1f} s ({r.rps:.1f}/s), "
            f"p50 {r.p50_ms:.0f} ms, p95 {r.p95_ms:.0f} ms, p99 {r.p99_ms:.0f} ms, "
            f"max {r.max_ms:.0f} ms, wrong status {r.bad_status}, errors {r.errors}; "
            f"CPU a request {r.cpu_app_ms:.0f} ms app + {r.cpu_db_ms:.0f} ms database; "
            f"load average {os.getloadavg()[0]:.1f} [{r.generator}]",
            flush=True,
        )
        results.append(r)
    return results


def emit(measure: str, values: list[float], *, unit: str, target: str, met: bool, **extra) -> None:
    """The one line bench/run_all.py reads from every script."""
    result = {
        "measure": measure,
        "unit": unit,
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "runs": len(values),
        "target": target,
        "met": met,
        "load_average_1m": round(os.getloadavg()[0], 1),
        **extra,
    }
    print("RESULT " + json.dumps(result), flush=True)


def emit_load(
    measure: str,
    results: list[LoadResult],
    *,
    limit_ms: float,
    service: list[float],
    users: int = 20,
    think: tuple[float, float] = (1.0, 5.0),
    **extra,
) -> None:
    """The RESULT line of a page benchmark: p95 of each run, met when the
    median run's p95 is under the limit and no request failed. `service`
    are the CPU costs of single requests (service_times): their p95 is the
    latency an idle machine would give one user, and with the offered load
    they say how busy 20 users would keep 2 cores."""
    p95 = [r.p95_ms for r in results]
    failures = sum(r.bad_status + r.errors for r in results)
    requests = sum(r.requests for r in results)
    ordered = sorted(service)
    cpu_p50 = statistics.median(ordered)
    cpu_p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    # Pages a second the users would ask for on an idle machine, and the
    # share of the cores serving them would take.
    offered = users / (sum(think) / 2 + statistics.mean(service) / 1000)
    busy = offered * statistics.mean(service) / 1000 / (os.cpu_count() or 1)
    emit(
        measure,
        p95,
        unit="ms p95",
        target=f"p95 < {limit_ms:.0f} ms, no errors",
        met=statistics.median(p95) < limit_ms and failures == 0,
        requests=requests,
        failures=failures,
        cpu_p50_ms=round(cpu_p50, 1),
        cpu_p95_ms=round(cpu_p95, 1),
        cpu_busy=round(busy, 2),
        summary=(
            f"{requests:,} requests, {failures} failed; CPU a page p50 {cpu_p50:.0f} ms, "
            f"p95 {cpu_p95:.0f} ms (one user, app + db); {users} users keep "
            f"{100 * busy:.0f}% of the cores busy; load avg {os.getloadavg()[0]:.0f}"
        ),
        **extra,
    )


# --- What every page benchmark does ------------------------------------------


def page_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every page benchmark takes; a script adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--users", type=int, default=20)
    return parser


@contextlib.contextmanager
def signed_in(users: Iterable) -> Iterator[list[str]]:
    """A minted session (Cookie header) for each user, deleted afterwards."""
    cookies = [mint_session(u) for u in users]
    try:
        yield cookies
    finally:
        forget_sessions(cookies)


def load_page(
    calls: list[Call],
    *,
    runs: int,
    seconds: float,
    marker: str | None = None,
    first: Callable[[str], None] | None = None,
    max_requests: int = 2000,
) -> tuple[list[float], list[LoadResult]]:
    """gunicorn with 3 workers: the first call checked (200 and the page's
    marker; `first` is given its body), the single-request costs, then the
    load of one user a call. Returns (costs, results) for emit_load."""
    with gunicorn(workers=3) as base:
        body = check_once(base, calls[0], 200, marker)
        if first is not None:
            first(body)
        costs = service_times(base, calls)
        results = repeated(
            base, calls, runs=runs, users=len(calls), seconds=seconds, max_requests=max_requests
        )
    return costs, results
