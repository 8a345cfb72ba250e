"""One service's quarter: reporting.metrics.measures() against hand-written SQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/metrics_service_quarter.py \
        [--service CODE] [--quarter 2026Q1] [--as-of 2026-06-30] [--runs 15]

Without --service it takes the service with the most referrals. Load data
first (bench/metrics_fixture.py, or the national generator). Prints the
median, min and max of each, the ratio of medians, and checks that both give
the same figures. Target: under 300 ms, and no more than 3 times
the hand-written SQL."""

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from _metrics_timing import database_size, differences, summary, timed  # noqa: E402
from django.db.models import Count  # noqa: E402
from metrics_sql import measures_sql  # noqa: E402

from reporting.metrics import Cohort, measures  # noqa: E402
from services.models import Service  # noqa: E402


def quarter_bounds(code: str) -> tuple[dt.date, dt.date]:
    year, q = int(code[:4]), int(code[-1])
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - dt.timedelta(days=1)
    return start, end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--service")
    parser.add_argument("--quarter", default="2026Q1")
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.service:
        service = Service.objects.get(code=args.service)
    else:
        service = Service.objects.annotate(n=Count("referrals")).order_by("-n", "code").first()
    start, end = quarter_bounds(args.quarter)
    as_of = dt.date.fromisoformat(args.as_of)
    cohort = Cohort(start, end, as_of, [service.pk])
    print(f"Database: {database_size()}")
    print(f"Service {service.code}, {args.quarter} as of {as_of}")
    ours, ours_t = timed(lambda: measures(cohort), args.runs)
    hand, hand_t = timed(lambda: measures_sql([service.pk], start, end, as_of), args.runs)
    print(
        f"  referred {ours['funnel']['referred']}, episodes {ours['retention']['episodes']}, "
        f"keywork contacts {ours['intensity']['contacts']}, "
        f"day-30 pairs {ours['outcomes']['day30']['n_pairs']}"
    )
    print(summary("reporting.metrics.measures", ours_t))
    print(summary("hand-written SQL", hand_t))
    ratio = statistics.median(ours_t) / statistics.median(hand_t)
    print(f"ratio (median ours / median SQL): {ratio:.2f}")
    diff = differences(ours, hand)
    print("same figures: yes" if not diff else "DIFFERENT: " + "; ".join(diff))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
