"""Import a bundle of 100,000 contacts (with the 4,000 episodes, referrals
and clients they belong to) through import_bundle, with the pghistory
triggers on, and print rows a second and peak memory.

    DATABASE_URL=... python bench/import_contacts.py [--contacts N] [--keep]

The import runs inside a transaction rolled back at the end (unless
--keep), so the database is left as it was. Target: at least
5,000 contact rows a second, memory flat."""

import argparse
import csv
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from _django import CpuClock, peak_rss_mb, setup


def write_bundle(folder: Path, contacts: int, per_episode: int = 25) -> None:
    from interchange.resources import RESOURCES

    rng = random.Random(6)
    columns = {r.file_name: r().columns for r in RESOURCES}
    episodes = contacts // per_episode
    writers, handles = {}, []
    for name in columns:
        handle = open(folder / name, "w", newline="", encoding="utf-8")  # noqa: SIM115
        handles.append(handle)
        writers[name] = csv.writer(handle, lineterminator="\n")
        writers[name].writerow(columns[name])
    writers["services.csv"].writerow(["BEN", "Bench service", "3", "no", ""])
    writers["staff.csv"].writerow(["bench_kw", "Bench Keyworker", "", "keyworker", "BEN"])
    day0 = dt.date(2025, 1, 1)
    for e in range(episodes):
        ref = f"B{e:07d}"
        referral = day0 + dt.timedelta(days=e % 300)
        start = referral + dt.timedelta(days=7)
        writers["clients.csv"].writerow([ref, "AB", "1980-01-01", "male", "A", ""])
        writers["referrals.csv"].writerow([ref, ref, "BEN", referral, "self", "crack"])
        writers["appointments.csv"].writerow([ref, referral, start, "attended"])
        writers["episodes.csv"].writerow([ref, ref, "3", start, "", "", "bench_kw", ""])
        for c in range(per_episode):
            attended = rng.random() < 0.85
            writers["contacts.csv"].writerow(
                [
                    ref,
                    start + dt.timedelta(days=c * 4),
                    "keywork",
                    "in_person",
                    "60" if attended else "",
                    "attended" if attended else "dna",
                    "motivational_interviewing;relapse_prevention" if attended else "",
                ]
            )
        writers["outcomes.csv"].writerow(
            [ref, "baseline", start, "keyworker", "10", "60", "0", "0", "4", "0", "no", "10",
             "10", "10"]
        )  # fmt: skip
    for handle in handles:
        handle.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="commit the import")
    args = parser.parse_args()
    setup()
    from django.db import transaction

    from interchange.importing import import_bundle

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_bundle(folder, args.contacts)
        size = sum(f.stat().st_size for f in folder.iterdir())
        rss_before = peak_rss_mb()
        phases = []
        clock = CpuClock()
        started = time.perf_counter()

        def progress(stage: str, fraction: float) -> None:
            phases.append((round(time.perf_counter() - started, 2), stage))

        with transaction.atomic():
            report = import_bundle(folder, progress=progress, audit={"via": "bench"})
            elapsed = time.perf_counter() - started
            cpu_python, cpu_database = clock.seconds()
            if not args.keep:
                transaction.set_rollback(True)
    assert report.ok, report.lines()[:10]
    contacts = report.counts["contacts.csv"].new
    result = {
        "measure": "import of contacts",
        "contacts": contacts,
        "rows_in_bundle": sum(c.rows for c in report.counts.values()),
        "bundle_mb": round(size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "contacts_per_second": round(contacts / elapsed),
        "cpu_seconds_python": round(cpu_python, 1),
        "cpu_seconds_database": round(cpu_database, 1),
        # One core each at most: the time on an idle machine is about the
        # larger of the two plus whatever does not overlap (here, all of it).
        "contacts_per_cpu_second": round(contacts / (cpu_python + cpu_database)),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_import_mb": round(rss_before),
        "load_average_1m": round(__import__("os").getloadavg()[0], 1),
        "target": ">= 5,000 contacts/s, memory flat",
    }
    for at, stage in phases:
        if stage.startswith(("Reading", "Checking", "Writing", "Bringing", "Finished")) and (
            "rows" not in stage
        ):
            print(f"  {at:7.2f}s  {stage}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
