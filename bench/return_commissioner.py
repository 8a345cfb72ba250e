"""A commissioner's quarterly return for 20 services of the national data
set, end to end: figures, the small-number rule, the XLSX and the CSV (the
work of the Celery task, less saving the two files).

    DATABASE_URL=... .venv/bin/python bench/return_commissioner.py [--runs 3] [--quarter 2026Q3]

It takes services N001..N020 (two commissioners' worth; the national set
gives each commissioner ten). Target: under 10 s.
bench/quarterly_return.py times the same on its own bulk data."""

import argparse
import statistics
import sys
import time
from pathlib import Path

from nectos import clock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from _web import emit  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reporting.returns.build import build_return  # noqa: E402
from reporting.returns.quarters import Quarter  # noqa: E402
from reporting.returns.writers import csv_bytes, xlsx_bytes  # noqa: E402
from services.models import Service  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--quarter", help="default: the last complete quarter")
    args = parser.parse_args()
    if args.quarter:
        quarter = Quarter.parse(args.quarter)
    else:
        quarter = Quarter.latest_complete(clock.today())
    services = list(Service.objects.order_by("code")[: args.services])
    print(f"{len(services)} services ({services[0].code}..{services[-1].code}), {quarter}")

    def once() -> tuple[float, float, int]:
        began = time.perf_counter()
        doc = build_return(services=services, quarter=quarter, commissioner="Bench")
        built = time.perf_counter()
        size = len(xlsx_bytes(doc)) + len(csv_bytes(doc))
        return built - began, time.perf_counter() - built, size

    with CaptureQueriesContext(connection) as queries:
        once()  # warm
    totals = []
    for i in range(args.runs):
        build, write, size = once()
        totals.append(build + write)
        print(f"  run {i + 1}: {build + write:6.2f} s (figures {build:.2f} s, files {write:.2f} s)")
    emit(
        "quarterly return, commissioner of 20 services",
        totals,
        unit="s",
        target="< 10 s",
        met=statistics.median(totals) < 10,
        queries=len(queries),
        bytes=size,
        quarter=str(quarter),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
