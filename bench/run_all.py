"""Run every benchmark against the national data set, print one table and
write it into docs/benchmarks.md with the date and the machine.

    python manage.py generate_demo --scale national --seed 1  # once, into an empty database
    make bench  # or: .venv/bin/python bench/run_all.py

    bench/run_all.py [--only caseload,record,...] [--runs 3] [--quick] [--no-write]

Each measure is its own script in bench/, run here as a subprocess with a
time limit; the scripts end with a `RESULT {json}` line (or, for the older
metrics, import and export scripts, their own summary lines, parsed here).
Every figure is the median of several runs, with the min and max."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:results -->", "<!-- /bench:results -->"


@dataclass
class Row:
    """One line of the table."""

    measure: str
    target: str
    unit: str = ""
    median: float | None = None
    low: float | None = None
    high: float | None = None
    runs: int = 0
    met: bool | None = None  # None: the script failed or gave nothing
    notes: str = ""
    key: str = ""  # the measure's key in MEASURES
    when: str = ""  # when it was measured, "YYYY-MM-DD HH:MM" UTC

    def cells(self, current: str = "") -> list[str]:
        def num(x: float | None) -> str:
            if x is None:
                return "–"
            if abs(x) >= 100:
                return f"{x:,.0f}"
            return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 10 else f"{x:,.1f}"

        unit = f" {self.unit}" if self.unit else ""
        verdict = {True: "met", False: "**NOT met**", None: "**no result**"}[self.met]
        return [
            self.measure,
            self.target,
            f"{num(self.median)}{unit}" if self.median is not None else "–",
            num(self.low),
            num(self.high),
            str(self.runs) if self.runs else "–",
            verdict,
            "; ".join(
                x
                for x in (f"measured {self.when}" if self.when != current else "", self.notes)
                if x
            ),
        ]


HEADER = ["measure", "target", "median", "min", "max", "runs", "result", "notes"]


def format_table(rows: list[Row], current: str = "") -> str:
    """A Markdown table, columns padded so that it also reads as plain text.
    Rows measured at another time than `current` say when."""
    table = [HEADER] + [r.cells(current) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(table[0]), rule, *[line(c) for c in table[1:]]])


# --- Reading what the scripts print --------------------------------------------


def parse_result(output: str) -> dict | None:
    """The last `RESULT {json}` line of a script's output."""
    for text in reversed(output.splitlines()):
        if text.startswith("RESULT "):
            return json.loads(text.removeprefix("RESULT "))
    return None


def row_from_result(result: dict, notes: str = "") -> Row:
    extra = result.get("summary") or ""
    return Row(
        measure=result["measure"],
        target=result["target"],
        unit=result.get("unit", ""),
        median=result.get("median"),
        low=result.get("min"),
        high=result.get("max"),
        runs=result.get("runs", 0),
        met=bool(result.get("met")),
        notes="; ".join(x for x in (extra, notes) if x),
    )


TIMING = re.compile(
    r"^(?P<label>reporting\.metrics\.measures|hand-written SQL|measures_by\(service\))\s+"
    r"median\s+(?P<median>[\d.]+) ms\s+min\s+(?P<min>[\d.]+)\s+max\s+(?P<max>[\d.]+)\s+"
    r"\((?P<runs>\d+) runs\)",
    re.MULTILINE,
)


def parse_metrics(output: str) -> dict[str, dict]:
    """The timing lines of bench/metrics_*.py, by label, plus ratio and sameness."""
    out: dict[str, dict] = {}
    for m in TIMING.finditer(output):
        out[m["label"]] = {k: float(m[k]) for k in ("median", "min", "max")} | {
            "runs": int(m["runs"])
        }
    ratio = re.search(r"^ratio \(median ours / median SQL\): ([\d.]+)", output, re.MULTILINE)
    out["ratio"] = {"value": float(ratio[1])} if ratio else {}
    out["same"] = {"value": "same figures: yes" in output}
    return out


def metrics_row(measure: str, limit_ms: float, output: str) -> Row:
    p = parse_metrics(output)
    ours, sql, ratio = p.get("reporting.metrics.measures"), p.get("hand-written SQL"), p["ratio"]
    if not ours or not sql or not ratio:
        return Row(measure, f"< {limit_ms:,.0f} ms, ≤ 3× SQL", notes="no timing lines")
    r = ratio["value"]
    return Row(
        measure=measure,
        target=f"< {limit_ms:,.0f} ms, ≤ 3× hand-written SQL",
        unit="ms",
        median=ours["median"],
        low=ours["min"],
        high=ours["max"],
        runs=ours["runs"],
        met=ours["median"] < limit_ms and r <= 3 and p["same"]["value"],
        notes=f"SQL {sql['median']:,.0f} ms, ratio {r:.2f}"
        + ("" if p["same"]["value"] else "; FIGURES DIFFER"),
    )


def last_json(output: str) -> dict | None:
    for text in reversed(output.splitlines()):
        if text.startswith("{") and text.endswith("}"):
            return json.loads(text)
    return None


# --- The measures ----------------------------------------------------------------


@dataclass
class Measure:
    key: str
    command: Callable[[argparse.Namespace], list[list[str]]]  # one command per run
    rows: Callable[[list[str], argparse.Namespace], list[Row]]
    timeout: int = 1800
    extra: dict = field(default_factory=dict)
    default: bool = True  # run without --only


def _script(name: str, *args: str) -> list[str]:
    return [sys.executable, str(BENCH / name), *args]


def _load_args(a: argparse.Namespace) -> list[str]:
    return ["--runs", str(a.runs), "--seconds", "10" if a.quick else "30"]


def _single(outputs: list[str], a: argparse.Namespace) -> list[Row]:
    result = parse_result(outputs[0])
    if result is None:
        return []
    return [row_from_result(result)]


def _all_results(outputs: list[str], a: argparse.Namespace) -> list[Row]:
    """One row for each `RESULT` line of a script that prints several."""
    return [
        row_from_result(json.loads(text.removeprefix("RESULT ")))
        for text in outputs[0].splitlines()
        if text.startswith("RESULT ")
    ]


def _cpu(runs: list[dict]) -> str:
    if not all("cpu_seconds_python" in r for r in runs):
        return ""
    py = statistics.median(r["cpu_seconds_python"] for r in runs)
    db = statistics.median(r["cpu_seconds_database"] for r in runs)
    return f", CPU {py:.1f} s Python + {db:.1f} s PostgreSQL"


def _export_rows(label: str, outputs: list[str], *, all_contacts: bool) -> list[Row]:
    runs = [r for r in (last_json(o) for o in outputs) if r]
    if not runs:
        return []
    seconds = [r["seconds"] for r in runs]
    rss = max(r["peak_rss_mb"] for r in runs)
    contacts = runs[0]["contacts"]
    if all_contacts:
        # 60 s for a million: scale the limit to the contacts there are.
        limit = 60 * contacts / 1_000_000
        target = "1,000,000 contacts < 60 s, < 200 MB"
        met = statistics.median(seconds) < limit and rss < 200
        notes = (
            f"{contacts:,} contacts: {contacts / statistics.median(seconds):,.0f}/s "
            f"(limit {limit:,.0f} s at 1M a minute){_cpu(runs)}, peak {rss} MB"
        )
    else:
        target = "< 200 MB (time: see notes)"
        met = rss < 200
        notes = f"{contacts:,} contacts, {runs[0]['rows']:,} rows{_cpu(runs)}, peak {rss} MB"
    return [
        Row(
            measure=label,
            target=target,
            unit="s",
            median=statistics.median(seconds),
            low=min(seconds),
            high=max(seconds),
            runs=len(runs),
            met=met,
            notes=notes,
        )
    ]


def _import_rows(outputs: list[str], a: argparse.Namespace) -> list[Row]:
    runs = [r for r in (last_json(o) for o in outputs) if r]
    if not runs:
        return []
    rates = [r["contacts_per_second"] for r in runs]
    rss = max(r["peak_rss_mb"] for r in runs)
    return [
        Row(
            measure=f"import of {runs[0]['contacts']:,} contacts",
            target="≥ 5,000 rows/s",
            unit="rows/s",
            median=statistics.median(rates),
            low=min(rates),
            high=max(rates),
            runs=len(runs),
            met=statistics.median(rates) >= 5000,
            notes=f"{statistics.median(r['seconds'] for r in runs):.1f} s each, "
            + (
                f"{statistics.median(r['contacts_per_cpu_second'] for r in runs):,.0f} a CPU "
                "second (Python + PostgreSQL), "
                if all("contacts_per_cpu_second" in r for r in runs)
                else ""
            )
            + f"peak {rss} MB",
        )
    ]


def _busiest_service() -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'bench'); from _django import setup; setup();"
            "from django.db.models import Count; from services.models import Service;"
            "print(Service.objects.annotate(n=Count('referrals')).order_by('-n', 'code')"
            ".first().code)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


MEASURES = [
    Measure("caseload", lambda a: [_script("caseload_page.py", *_load_args(a))], _single),
    Measure("record", lambda a: [_script("client_record.py", *_load_args(a))], _single),
    Measure("contact", lambda a: [_script("contact_log.py", *_load_args(a))], _single),
    Measure("dashboard", lambda a: [_script("service_dashboard.py", *_load_args(a))], _single),
    Measure(
        "metrics_quarter",
        lambda a: [_script("metrics_service_quarter.py", "--runs", str(max(5, 3 * a.runs)))],
        lambda o, a: [metrics_row("metrics, one service-quarter, fresh", 300, o[0])],
    ),
    Measure(
        "metrics_year",
        lambda a: [_script("metrics_all_services_year.py", "--runs", str(a.runs))],
        lambda o, a: [metrics_row("metrics, all services, one year, fresh", 5000, o[0])],
    ),
    Measure(
        "national",
        lambda a: [_script("national_all_services_year.py", "--runs", str(a.runs))],
        _single,
    ),
    Measure(
        "return",
        lambda a: [_script("return_commissioner.py", "--runs", str(a.runs))],
        _single,
    ),
    Measure(
        "export_service",
        lambda a: [_script("export_contacts.py", "--service", a.service)] * a.runs,
        lambda o, a: _export_rows(
            f"export of one service's bundle ({a.service})", o, all_contacts=False
        ),
    ),
    Measure(
        "export_all",
        lambda a: [_script("export_contacts.py")] * (1 if a.quick else a.runs),
        lambda o, a: _export_rows("export of all contacts", o, all_contacts=True),
        timeout=3600,
    ),
    Measure(
        "import",
        lambda a: (
            [_script("import_contacts.py", *(["--contacts", "20000"] if a.quick else []))] * a.runs
        ),
        _import_rows,
    ),
    Measure("queries", lambda a: [_script("query_counts.py")], _single),
    Measure("page_cpu", lambda a: [_script("page_cpu.py")], _all_results, timeout=900),
    # A diagnosis rather than a target: about 20 minutes of sweep over
    # gunicorn set-ups and load generators, so only when asked for.
    Measure(
        "tail",
        lambda a: [_script("tail.py", "--seconds", "10" if a.quick else "20")],
        _all_results,
        timeout=3600,
        default=False,
    ),
]


# --- The machine and the document --------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
        kb = next(
            int(t.split()[1])
            for t in Path("/proc/meminfo").read_text().splitlines()
            if t.startswith("MemTotal")
        )
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    return {
        "cpus": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def dataset() -> str:
    out = subprocess.run(
        [sys.executable, str(BENCH / "dataset_size.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout else "unknown"


DATA = "<!-- bench:data "


# How each measure's row begins, to read a table written without its JSON.
PREFIXES = {
    "caseload": "caseload page",
    "record": "client record",
    "contact": "logging a contact",
    "dashboard": "service dashboard",
    "metrics_quarter": "metrics, one service",
    "metrics_year": "metrics, all services",
    "national": "national measures",
    "return": "quarterly return",
    "export_service": "export of one service",
    "export_all": "export of all contacts",
    "import": "import of",
    "queries": "queries per page",
    "page_cpu": "Python CPU a page",
    "tail": "latency tail",
}


def previous_rows(text: str) -> list[Row]:
    """The rows of the last run: from the JSON kept in the document, else
    read back from its table (the numbers as shown)."""
    if DATA in text:
        data = text.split(DATA, 1)[1].split(" -->", 1)[0]
        return [Row(**row) for row in json.loads(data)]
    if START not in text:
        return []
    when = re.search(r"Run on (\d{4}-\d\d-\d\d \d\d:\d\d)", text.split(START, 1)[1])
    rows = []
    for line in text.split(START, 1)[1].split(END, 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != len(HEADER) or cells[0] in ("measure", "") or set(cells[0]) <= {"-"}:
            continue
        key = next((k for k, p in PREFIXES.items() if cells[0].startswith(p)), "")
        number = re.match(r"([\d,.]+)\s*(.*)", cells[2])
        rows.append(
            Row(
                measure=cells[0],
                target=cells[1],
                unit=number[2] if number else "",
                median=float(number[1].replace(",", "")) if number else None,
                low=float(cells[3].replace(",", "")) if cells[3] not in ("–", "") else None,
                high=float(cells[4].replace(",", "")) if cells[4] not in ("–", "") else None,
                runs=int(cells[5]) if cells[5].isdigit() else 0,
                met={"met": True, "**NOT met**": False}.get(cells[6]),
                notes=cells[7],
                key=key,
                when=when[1] if when else "",
            )
        )
    return rows


def merged(new: list[Row], old: list[Row]) -> list[Row]:
    """A partial run (--only) replaces its own rows and keeps the others,
    in the order of MEASURES."""
    fresh = {r.key for r in new}
    order = {m.key: i for i, m in enumerate(MEASURES)}
    rows = [r for r in old if r.key not in fresh] + new
    return sorted(rows, key=lambda r: order.get(r.key, len(order)))


def results_section(rows: list[Row], *, began: dt.datetime, info: dict, load: list[float]) -> str:
    m = info["machine"]
    current = f"{began:%Y-%m-%d %H:%M}"
    data = json.dumps([asdict(r) for r in rows]).replace("--", "\\u002d\\u002d")
    return "\n".join(
        [
            START,
            f"Run on {current} UTC by `bench/run_all.py` ({info['args']}).",
            "",
            f"- Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} memory, {m['system']}, "
            f"Python {m['python']}.",
            f"- Data: {info['dataset']}.",
            f"- Load average (1 min) when the measures ran: {min(load):.1f} to {max(load):.1f} "
            "(other work shares the machine unless this says about 0).",
            "",
            format_table(rows, current),
            "",
            f"{DATA}{data} -->",
            END,
        ]
    )


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        help="comma-separated keys: "
        + ",".join(m.key for m in MEASURES)
        + " (tail only when named)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument("--service", help="the service whose bundle is exported (default: busiest)")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else {m.key for m in MEASURES if m.default}
    unknown = wanted - {m.key for m in MEASURES}
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
    began = dt.datetime.now(dt.UTC)
    info = {
        "machine": machine(),
        "dataset": dataset(),
        "args": " ".join(sys.argv[1:]) or "defaults",
    }
    print(f"Data: {info['dataset']}", flush=True)
    if "export_service" in wanted and not args.service:
        args.service = _busiest_service()
    if wanted & {"caseload", "record", "contact", "dashboard", "tail"}:
        print("\n== history (once) ==", flush=True)
        history = subprocess.run(
            _script("history_fill.py"), cwd=ROOT, capture_output=True, text=True, timeout=3600
        )
        print(history.stdout.rstrip() or history.stderr[-2000:], flush=True)
    rows: list[Row] = []
    load: list[float] = []
    for measure in MEASURES:
        if measure.key not in wanted:
            continue
        print(f"\n== {measure.key} ==", flush=True)
        outputs = []
        t0 = time.perf_counter()
        for command in measure.command(args):
            load.append(os.getloadavg()[0])
            try:
                done = subprocess.run(
                    command,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=measure.timeout,
                )
            except subprocess.TimeoutExpired:
                print(f"  timed out after {measure.timeout} s", flush=True)
                break
            print(done.stdout.rstrip(), flush=True)
            if done.returncode != 0:
                print(done.stderr[-3000:], flush=True)
                break
            outputs.append(done.stdout)
        try:
            made = measure.rows(outputs, args) if outputs else []
        except (KeyError, ValueError, IndexError) as error:
            print(f"  could not read the output: {error!r}")
            made = []
        if not made:
            made = [Row(measure.key, "", notes="the script failed: see the log above")]
        for row in made:
            row.key, row.when = measure.key, f"{began:%Y-%m-%d %H:%M}"
        rows += made
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    print()
    print(format_table(rows, f"{began:%Y-%m-%d %H:%M}"))
    if not args.no_write:
        if args.only and DOC.exists():
            rows = merged(rows, previous_rows(DOC.read_text()))
        write_doc(results_section(rows, began=began, info=info, load=load or [os.getloadavg()[0]]))
        print(f"\nWritten to {DOC.relative_to(ROOT)}")
    # A missed target is a finding, written in the table; a script that
    # gave no result is a failure of the suite.
    return 1 if any(r.met is None for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
