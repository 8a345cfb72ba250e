"""Where the page benchmarks' latency tail comes from: each page under the
closed loop the page scripts use and under an open loop at a fixed arrival
rate, on several gunicorn set-ups, with gunicorn's own access log.

    DATABASE_URL=... .venv/bin/python bench/tail.py
        [--pages caseload,record,dashboard,contact]
        [--configs sync:2,sync:3,sync:4,gthread:2x4,gthread:3x2]
        [--seconds 20] [--rates 1,2] [--arrivals poisson|fixed] [--hey]

For every page and gunicorn set-up (worker class, workers, threads):

- closed: the page scripts' load (bench/_web.py): 20 users, each thinking 1
  to 5 s between an answer and the next request, all starting together;
  latency from the send; a fresh connection each request (what sync workers
  force anyway; gthread would keep it alive and drop it under a thinking
  user).
- open Nx: requests at N times the rate those 20 users offer (20 / (3 s +
  the page's own time), about 6.5 a second), Poisson arrivals (seeded),
  each sent at its time on its own connection, latency from the time it
  was due (bench/_web.py: open_loop).
- hey (with --hey, when installed): the same rate from hey's paced workers.

Each request carries an X-Bench-Id header. gunicorn serves the app through
bench/_served.py and logs, for each request, its own time (`%(D)s`) and
the worker's clock and scheduler figures, so every request's latency splits
into: the generator's lateness (open loop: sent after its time), the wait
before a worker took it (connecting, the listen queue), the worker on a
core, the worker waiting for a core, the worker blocked (PostgreSQL, the
GIL), and the generator reading the answer. The table gives that split for
the slowest 5% of each run, beside the percentiles at the client and in
gunicorn's log and the machine's business (load average, CPU of the
server, of the generator and of everything else). "read" can be a few ms
below zero: the worker may lose its core between writing the answer and
reading the clock. The closed loop's "p95 w/o start" leaves out each
user's first request, which all 20 send at the same instant.

The page set-ups are the page scripts' own (40-episode caseloads topped up
and given back, records of about 200 contacts, dashboard snapshots, the
contact POST with what it wrote deleted after each run). Prints a Markdown
table and one RESULT line a page (its p95 at the client, open loop at the
offered rate, across the set-ups; target as the page script's)."""

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import (  # noqa: E402
    Call,
    Sample,
    check_once,
    cpu_snapshot,
    cpu_used,
    emit,
    gunicorn,
    load,
    open_loop,
    percentile,
    service_times,
    signed_in,
)
from caseload_page import ROW, caseloads_of  # noqa: E402
from client_record import TIMELINE, episodes_near  # noqa: E402
from contact_log import episodes_to_log, form_body, remove_written  # noqa: E402
from service_dashboard import CHART_DATA, busiest_dashboards  # noqa: E402

from nectos import clock  # noqa: E402

# What gunicorn writes for each request: the generator's tag, the status, its
# own time (µs), the worker, then what bench/_served.py put in the environ.
LOG_FORMAT = (
    "%({x-bench-id}i)s %(s)s %(D)s %(p)s "
    "%({bench.t0}e)s %({bench.t1}e)s %({bench.run}e)s %({bench.runq}e)s %({bench.db}e)s"
)
APP = "bench._served:application"
PAGES = ("caseload", "record", "dashboard", "contact")


@dataclass
class Page:
    key: str
    calls: list[Call]
    marker: str | None
    limit_ms: float
    after_run: Callable[[], None] = lambda: None
    costs: list[float] = field(default_factory=list)  # single-request CPU, ms


@dataclass
class Served:
    """One request as gunicorn and bench/_served.py logged it (ms, and wall
    clock seconds for t0 and t1)."""

    status: int
    d_ms: float
    pid: int
    t0: float
    t1: float
    run_ms: float
    runq_ms: float
    db: int


@dataclass
class Config:
    worker_class: str
    workers: int
    threads: int = 1

    @property
    def name(self) -> str:
        if self.worker_class == "sync":
            return f"sync {self.workers}"
        return f"{self.worker_class} {self.workers}x{self.threads}"


def parse_configs(text: str) -> list[Config]:
    """sync:3, gthread:2x4 and so on."""
    configs = []
    for item in text.split(","):
        kind, _, size = item.strip().partition(":")
        workers, _, threads = size.partition("x")
        configs.append(Config(kind, int(workers), int(threads or 1)))
    return configs


# --- Setting the pages up ------------------------------------------------------


def set_up(keys: list[str], users: int, stack: contextlib.ExitStack) -> list[Page]:
    """The page scripts' own set-ups, each undone when the stack closes."""
    pages = []
    for key in keys:
        if key == "caseload":
            keyworkers = stack.enter_context(caseloads_of(40, users))
            cookies = stack.enter_context(signed_in(keyworkers))
            pages.append(Page(key, [Call("/caseload/", c) for c in cookies], ROW, 150))
        elif key == "record":
            episodes = episodes_near(200, users)
            cookies = stack.enter_context(signed_in(e.keyworker for e in episodes))
            calls = [
                Call(f"/clients/{e.referral.client.key}/", c)
                for e, c in zip(episodes, cookies, strict=True)
            ]
            pages.append(Page(key, calls, TIMELINE, 150))
        elif key == "dashboard":
            services, managers, _ = busiest_dashboards(users)
            cookies = stack.enter_context(signed_in(managers))
            calls = [
                Call(f"/dashboards/{s.code}/", c) for s, c in zip(services, cookies, strict=True)
            ]
            pages.append(Page(key, calls, CHART_DATA, 100))
        elif key == "contact":
            keyworkers, episodes = episodes_to_log(users)
            since = clock.now()
            ids = [u.pk for u in keyworkers]

            def clean(ids=ids, since=since) -> None:
                remove_written(ids, since)

            stack.callback(clean)
            cookies = stack.enter_context(signed_in(keyworkers))
            body = form_body(clock.today())
            calls = [
                Call(
                    f"/episodes/{e.pk}/contacts/new/", c, body=body, headers={"HX-Request": "true"}
                )
                for e, c in zip(episodes, cookies, strict=True)
            ]
            # Deleted after every run, so that every run logs onto the same records.
            pages.append(Page(key, calls, None, 150, after_run=clean))
        else:
            raise SystemExit(f"unknown page {key!r}: one of {', '.join(PAGES)}")
    return pages


# --- The machine ----------------------------------------------------------------


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(fields)
    idle = fields[3] + fields[4]  # idle, iowait
    return (total - idle) / ticks, total / ticks


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """What the machine did during one run: load averages, and the cores'
    time split between the server (workers and PostgreSQL backends), this
    generator, and everything else."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.load_before = os.getloadavg()[0]
        self.server = cpu_snapshot(base)
        self.machine = machine_cpu()
        self.generator = own_cpu()
        self.wall = time.monotonic()

    def stop(self) -> dict:
        app, db = cpu_used(self.server, cpu_snapshot(self.base))
        busy, total = machine_cpu()
        busy -= self.machine[0]
        total -= self.machine[1]
        generator = own_cpu() - self.generator
        cores = total or 1.0  # CPU seconds the machine had
        return {
            "load_before": self.load_before,
            "load_after": os.getloadavg()[0],
            "server_cpu": app + db,
            "server_share": (app + db) / cores,
            "generator_share": generator / cores,
            "other_share": max(0.0, busy - app - db - generator) / cores,
            "machine_share": busy / cores,
        }


# --- Reading gunicorn's log ------------------------------------------------------


def read_log(path: Path, offset: int) -> dict[str, list[Served]]:
    """The access log's lines from `offset` on, by X-Bench-Id."""
    time.sleep(0.3)  # the last requests' lines
    with path.open("rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    out: dict[str, list[Served]] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 9 or parts[0] == "-":
            continue
        tag, status, d, pid, t0, t1, run, runq, db = parts

        def number(x: str) -> float:
            return float(x) if x != "-" else 0.0

        out.setdefault(tag, []).append(
            Served(
                status=int(status),
                d_ms=int(d) / 1000,
                pid=int(pid.strip("<>")),
                t0=number(t0) / 1e6,
                t1=number(t1) / 1e6,
                run_ms=number(run) / 1000,
                runq_ms=number(runq) / 1000,
                db=int(number(db)),
            )
        )
    return out


# --- One run ----------------------------------------------------------------------

PARTS = ("lag", "queue", "cpu", "runq", "blocked", "read")


@dataclass
class Run:
    page: str
    config: str
    mode: str
    offered: float  # requests a second
    achieved: float
    requests: int
    errors: int  # connection failures and unexpected statuses
    client: list[float]  # ms, as the generator measures latency
    server: list[float]  # ms, gunicorn's %(D)s of the same requests
    gaps: list[float]  # client - server, request by request
    parts: dict[str, list[float]]  # each request's latency split (PARTS)
    lag: list[float]  # the generator's lateness, ms
    warm: list[float]  # closed loop: leaving out each user's first request
    new_db: int  # requests that opened a PostgreSQL connection
    machine: dict
    unmatched: int = 0  # answered, but not found in the log

    def pct(self, values: list[float]) -> str:
        return " / ".join(f"{percentile(values, p):.0f}" for p in (50, 95, 99))

    def slowest(self) -> dict[str, float]:
        """The mean split of the slowest 5% at the client (at least one)."""
        order = sorted(range(len(self.client)), key=self.client.__getitem__, reverse=True)
        tail = order[: max(1, round(len(order) / 20))]
        return {k: statistics.fmean(self.parts[k][i] for i in tail) for k in PARTS}

    def line(self) -> str:
        m = self.machine
        tail = self.slowest() if self.client else dict.fromkeys(PARTS, 0.0)
        split = " ".join(f"{k} {v:.0f}" for k, v in tail.items())
        warm = f"; without the start burst p95 {percentile(self.warm, 95):.0f}" if self.warm else ""
        return (
            f"  {self.page:<9} {self.config:<12} {self.mode:<9} "
            f"{self.requests} requests, {self.achieved:.1f}/s (offered {self.offered:.1f}), "
            f"errors {self.errors}; client p50/95/99 {self.pct(self.client)} ms, "
            f"gunicorn D {self.pct(self.server)} ms, gap {self.pct(self.gaps)} ms{warm}; "
            f"slowest 5% (ms): {split}; lag p95 {percentile(self.lag, 95):.0f} ms; "
            f"new db conns {self.new_db}; CPU server {100 * m['server_share']:.0f}% "
            f"generator {100 * m['generator_share']:.0f}% other {100 * m['other_share']:.0f}%; "
            f"load {m['load_before']:.1f}->{m['load_after']:.1f}"
            + (f"; {self.unmatched} not in the log" if self.unmatched else "")
        )


def measure(
    page: Page,
    config: Config,
    mode: str,
    offered: float,
    samples: list[Sample],
    log: dict[str, list[Served]],
    machine: dict,
    seconds: float,
    *,
    from_scheduled: bool,
    seen_db: set[int],
) -> Run:
    """Pair each request with its log line and split its latency."""
    client, server, gaps, lag, warm = [], [], [], [], []
    parts: dict[str, list[float]] = {k: [] for k in PARTS}
    errors = sum(1 for s in samples if s.status != 200)
    new_db = unmatched = 0
    for s in samples:
        if not s.status:
            continue
        served = log.get(s.tag)
        if not served:
            unmatched += 1
            continue
        v = served[0]
        start = s.scheduled if from_scheduled else s.sent
        total = 1000 * (s.done - start)
        client.append(total)
        server.append(v.d_ms)
        gaps.append(total - v.d_ms)
        lag.append(s.lag_ms)
        app = 1000 * (v.t1 - v.t0)
        parts["lag"].append(s.lag_ms if from_scheduled else 0.0)
        parts["queue"].append(1000 * (v.t0 - s.sent))
        parts["cpu"].append(v.run_ms)
        parts["runq"].append(v.runq_ms)
        parts["blocked"].append(app - v.run_ms - v.runq_ms)
        parts["read"].append(1000 * (s.done - v.t1))
        if v.db and v.db not in seen_db:
            seen_db.add(v.db)
            new_db += 1
        user, _, n = s.tag.removeprefix("u").partition(".")
        if not from_scheduled and int(n) != int(user) + 1:
            warm.append(total)
    sent = [s.sent for s in samples]
    span = seconds if from_scheduled else max(sent, default=0) - min(sent, default=0)
    return Run(
        page=page.key,
        config=config.name,
        mode=mode,
        offered=offered,
        achieved=len(samples) / span if span else 0.0,
        requests=len(samples),
        errors=errors,
        client=client,
        server=server,
        gaps=gaps,
        parts=parts,
        lag=lag,
        warm=warm,
        new_db=new_db,
        machine=machine,
        unmatched=unmatched,
    )


# --- hey, for comparison ------------------------------------------------------------


def hey(base: str, call: Call, rate: float, seconds: float, users: int) -> dict | None:
    """hey at the same rate: `users` workers, each paced to rate/users a
    second, a fresh connection a request, all sending the one call (hey has
    one set of headers). hey measures from its own send, and a worker waits
    for its answer before the next one; its workers' tickers start together,
    so they send in bursts of `users` (closed loop, paced, in step)."""
    binary = shutil.which("hey")
    if binary is None:
        return None
    command = [binary, "-z", f"{seconds:.0f}s", "-c", str(users), "-q", f"{rate / users:.3f}"]
    command += ["-disable-keepalive", "-t", "10", "-m", call.method]
    headers = {"Cookie": call.cookie, "X-Bench-Id": "hey", **call.headers}
    for k, v in headers.items():
        command += ["-H", f"{k}: {v}"]
    if call.body is not None:
        command += ["-T", "application/x-www-form-urlencoded", "-d", call.body]
    out = subprocess.run(
        [*command, base + call.path],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    ).stdout
    found = dict(re.findall(r"(\d+)% in ([\d.]+) secs", out))
    statuses = [(int(c), int(n)) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)]
    failures = re.findall(r"^\s+\[(\d+)\]\s+(?:Get|Post)", out, re.MULTILINE)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        # hey leaves out a percentile it has too few answers for: nan.
        "p50": 1000 * float(found.get("50", "nan")),
        "p95": 1000 * float(found.get("95", "nan")),
        "p99": 1000 * float(found.get("99", "nan")),
        "requests": sum(n for _, n in statuses),
        "errors": sum(n for c, n in statuses if c != 200) + sum(int(n) for n in failures),
        "rps": float(rps[1]) if rps else 0.0,
    }


# --- The sweep ------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    head = [
        "page",
        "server",
        "load",
        "offered/s",
        "got/s",
        "n",
        "err",
        "client p50 / p95 / p99",
        "gunicorn D p50 / p95 / p99",
        "gap p50 / p95 / p99",
        "p95 w/o start",
        "slowest 5%: lag / queue / cpu / runq / blocked / read",
        "CPU % server / gen / other",
        "load avg",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in runs:
        m = r.machine
        tail = r.slowest() if r.client else dict.fromkeys(PARTS, 0.0)
        cells = [
            r.page,
            r.config,
            r.mode,
            f"{r.offered:.1f}",
            f"{r.achieved:.1f}",
            str(r.requests),
            str(r.errors),
            r.pct(r.client),
            r.pct(r.server),
            r.pct(r.gaps),
            f"{percentile(r.warm, 95):.0f}" if r.warm else "",
            " / ".join(f"{tail[k]:.0f}" for k in PARTS),
            f"{100 * m['server_share']:.0f} / {100 * m['generator_share']:.0f} / "
            f"{100 * m['other_share']:.0f}",
            f"{m['load_before']:.1f}-{m['load_after']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--configs", default="sync:2,sync:3,sync:4,gthread:2x4,gthread:3x2")
    parser.add_argument("--seconds", type=float, default=20, help="each run")
    parser.add_argument("--rates", default="1,2", help="open loop: multiples of the offered rate")
    parser.add_argument("--arrivals", choices=("poisson", "fixed"), default="poisson")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=3, help="seconds, each page and set-up")
    parser.add_argument("--no-closed", action="store_true", help="leave the closed loop out")
    parser.add_argument("--hey", action="store_true", help="hey at the offered rate too")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-logs", action="store_true", help="keep gunicorn's access logs")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    configs = parse_configs(args.configs)
    rates = [float(x) for x in args.rates.split(",") if x]
    modes = ([] if args.no_closed else ["closed"]) + [f"open {x:g}x" for x in rates]
    think = (1.0, 5.0)
    # A stopped sweep still gives the caseloads back and deletes its contacts.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    runs: list[Run] = []
    heys: list[dict] = []
    logs = Path(tempfile.mkdtemp(prefix="bench-tail-"))
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        pages = set_up([p for p in args.pages.split(",") if p], args.users, stack)
        per_page = len(modes) * args.seconds + args.warmup + 6
        print(
            f"{len(pages)} pages x {len(configs)} set-ups x {', '.join(modes)}, "
            f"{args.seconds:g} s each: about {len(pages) * len(configs) * per_page / 60:.0f} min; "
            f"access logs in {logs}; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for config in configs:
            log = logs / f"{config.name.replace(' ', '-')}.log"
            print(f"\n== {config.name} ==", flush=True)
            with gunicorn(
                config.workers,
                worker_class=config.worker_class,
                threads=config.threads,
                access_log=log,
                access_log_format=LOG_FORMAT,
                app=APP,
            ) as base:
                seen_db: set[int] = set()
                for page in pages:
                    check_once(base, page.calls[0], 200, page.marker)
                    if not page.costs:
                        page.costs = service_times(base, page.calls)
                        print(
                            f"  {page.key}: one request at a time, CPU (app + db) p50 "
                            f"{percentile(page.costs, 50):.0f} ms, p95 "
                            f"{percentile(page.costs, 95):.0f} ms; load average "
                            f"{os.getloadavg()[0]:.1f}",
                            flush=True,
                        )
                    # The users' rate on an idle machine: think, then wait for the page.
                    offered = args.users / (sum(think) / 2 + statistics.mean(page.costs) / 1000)
                    # Every worker and thread compiles its templates on first use.
                    open_loop(base, page.calls, rate=3 * offered, seconds=args.warmup, seed=0)
                    page.after_run()
                    for mode in modes:
                        offset = log.stat().st_size
                        meter = Meter(base)
                        samples: list[Sample] = []
                        if mode == "closed":
                            rate = offered
                            load(
                                base,
                                page.calls,
                                users=args.users,
                                seconds=args.seconds,
                                max_requests=100_000,
                                think=think,
                                samples=samples,
                                fresh=True,
                                # All users' first requests at once, as the
                                # page scripts sent them before they learnt
                                # to stagger: the burst this sweep measures.
                                together=True,
                            )
                        else:
                            rate = offered * float(mode.split()[1].removesuffix("x"))
                            open_loop(
                                base,
                                page.calls,
                                rate=rate,
                                seconds=args.seconds,
                                arrivals=args.arrivals,
                                seed=args.seed,
                                samples=samples,
                            )
                        machine = meter.stop()
                        run = measure(
                            page,
                            config,
                            mode,
                            rate,
                            samples,
                            read_log(log, offset),
                            machine,
                            args.seconds,
                            from_scheduled=mode != "closed",
                            seen_db=seen_db,
                        )
                        print(run.line(), flush=True)
                        runs.append(run)
                        page.after_run()
                    if args.hey:
                        offset = log.stat().st_size
                        load_before = os.getloadavg()[0]
                        h = hey(base, page.calls[0], offered, args.seconds, args.users)
                        if h is not None:
                            served = [v.d_ms for x in read_log(log, offset).values() for v in x]
                            h |= {
                                "page": page.key,
                                "config": config.name,
                                "server": served,
                                "load_before": load_before,
                                "load_after": os.getloadavg()[0],
                            }
                            heys.append(h)
                            print(
                                f"  {page.key:<9} {config.name:<12} hey       "
                                f"{h['requests']} requests, {h['rps']:.1f}/s, errors "
                                f"{h['errors']}; client p50/95/99 {h['p50']:.0f} / "
                                f"{h['p95']:.0f} / {h['p99']:.0f} ms, gunicorn D "
                                + " / ".join(f"{percentile(served, p):.0f}" for p in (50, 95, 99))
                                + f" ms; load {load_before:.1f}->{h['load_after']:.1f}",
                                flush=True,
                            )
                        page.after_run()
    print(f"\nThe sweep took {(time.monotonic() - began) / 60:.1f} min.\n")
    print("Single requests, one at a time (CPU of the workers and PostgreSQL, ms):\n")
    for page in pages:
        print(
            f"- {page.key}: p50 {percentile(page.costs, 50):.0f}, "
            f"p95 {percentile(page.costs, 95):.0f}"
        )
    print()
    print(table(runs))
    if heys:
        print(
            "\n| page | server | hey p50 / p95 / p99 | gunicorn D p50 / p95 / p99 | got/s | err |"
        )
        print("|---|---|---|---|---|---|")
        for h in heys:
            served = " / ".join(f"{percentile(h['server'], p):.0f}" for p in (50, 95, 99))
            print(
                f"| {h['page']} | {h['config']} | {h['p50']:.0f} / {h['p95']:.0f} / "
                f"{h['p99']:.0f} | {served} | {h['rps']:.1f} | {h['errors']} |"
            )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs] + heys))
    if args.keep_logs:
        print(f"\ngunicorn's access logs: {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    print()
    for page in pages if rates else []:
        mine = [r for r in runs if r.page == page.key and r.mode == f"open {rates[0]:g}x"]
        if not mine:
            continue
        closed = [r for r in runs if r.page == page.key and r.mode == "closed"]
        emit(
            f"latency tail, {page.key}: open loop at the offered rate, {len(mine)} set-ups",
            [percentile(r.client, 95) for r in mine],
            unit="ms p95",
            target=f"p95 < {page.limit_ms:.0f} ms, no errors",
            met=statistics.median(percentile(r.client, 95) for r in mine) < page.limit_ms
            and not any(r.errors for r in mine),
            summary=(
                f"gunicorn D p95 {statistics.median(percentile(r.server, 95) for r in mine):.0f}"
                " ms; closed loop p95 "
                + (
                    f"{statistics.median(percentile(r.client, 95) for r in closed):.0f} ms, "
                    f"{statistics.median(percentile(r.warm, 95) for r in closed):.0f} ms "
                    "without each user's first request"
                    if closed
                    else "not run"
                )
                + f"; set-ups {', '.join(r.config for r in mine)}"
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
