"""Every service, a year: reporting.metrics.measures() against hand-written SQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/metrics_all_services_year.py \
        [--from 2025-07-01] [--to 2026-06-30] [--as-of 2026-09-30] [--runs 5]

Also times the per-service breakdown the comparison page uses
(measures_by(cohort, "service")). Load data first (bench/metrics_fixture.py,
or the national generator). Target: under 5 s for the whole
country's year, and no more than 3 times the hand-written SQL."""

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from _metrics_timing import database_size, differences, summary, timed  # noqa: E402
from metrics_sql import measures_sql  # noqa: E402

from reporting.metrics import Cohort, measures, measures_by  # noqa: E402
from services.models import Service  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="start", default="2025-07-01")
    parser.add_argument("--to", dest="end", default="2026-06-30")
    parser.add_argument("--as-of", default="2026-09-30")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    as_of = dt.date.fromisoformat(args.as_of)
    everyone = list(Service.objects.values_list("pk", flat=True))
    print(f"Database: {database_size()}")
    print(f"All {len(everyone)} services, {start} to {end} as of {as_of}")
    # The country: no service filter at all; the hand SQL gets every id.
    cohort = Cohort(start, end, as_of, None)
    ours, ours_t = timed(lambda: measures(cohort), args.runs)
    hand, hand_t = timed(lambda: measures_sql(everyone, start, end, as_of), args.runs)
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
    _by, by_t = timed(lambda: measures_by(cohort, "service"), max(1, args.runs // 2))
    print(summary("measures_by(service)", by_t))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
