"""Every service, a year: reporting.metrics.national() against hand-written SQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/national_all_services_year.py \
        [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--as-of YYYY-MM-DD] [--runs 5]

The national measures (domain.md, "National measures") for the whole
country's year, and per service (national_by(cohort, "service")), each
against the same figures written by hand in SQL (joins, no correlated
subquery), checked equal. By default the year ends 200 days before today
and the as-of date is today, so that most completions have been judged.
Load data first (generate_demo --scale national). Target (issue 17):
within 3 times the hand-written SQL. Ends with a RESULT line for
bench/run_all.py."""

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from _metrics_timing import database_size, differences, summary, timed  # noqa: E402
from _web import emit  # noqa: E402
from django.db import connection  # noqa: E402

from nectos import clock  # noqa: E402
from reporting.metrics import Cohort, national, national_by  # noqa: E402
from reporting.metrics.national import KEYS  # noqa: E402
from services.models import Service  # noqa: E402

NATIONAL = """
WITH e AS (
    SELECT e.id, r.client_id, s.code AS service, e.start_date,
           e.start_date - r.referral_date AS wait,
           CASE WHEN e.end_date <= %(as_of)s THEN e.end_date END AS ended_on,
           e.discharge_reason_id AS reason
    FROM keywork_episode e
    JOIN clients_referral r ON r.id = e.referral_id
    JOIN services_service s ON s.id = r.service_id
    WHERE e.tier IN (3, 4) AND r.service_id = ANY(%(services)s)
      AND e.start_date <= %(last)s
), t AS (
    SELECT e.*,
           ended_on BETWEEN %(start)s AND %(end)s AS exited,
           coalesce(ended_on IS NOT NULL
                    AND reason IN ('completed_drug_free', 'completed_occasional_user'),
                    false) AS completed,
           coalesce(ended_on IS NOT NULL
                    AND reason IN ('dropped_out', 'withdrawn_by_provider', 'declined_by_client'),
                    false) AS unplanned
    FROM e
    WHERE ended_on IS NULL OR ended_on >= %(start)s
), again AS (
    SELECT DISTINCT t.id
    FROM t JOIN clients_referral r ON r.client_id = t.client_id
    WHERE t.completed AND t.exited AND t.ended_on + 182 <= %(as_of)s
      AND r.referral_date BETWEEN t.ended_on + 1 AND t.ended_on + 182
)
SELECT {group}
       count(*),
       count(*) FILTER (WHERE exited),
       count(*) FILTER (WHERE exited AND completed),
       count(*) FILTER (WHERE exited AND completed AND ended_on + 182 <= %(as_of)s),
       count(*) FILTER (WHERE exited AND completed AND ended_on + 182 <= %(as_of)s
                        AND again.id IS NULL),
       count(*) FILTER (WHERE exited AND completed AND ended_on + 182 > %(as_of)s),
       count(*) FILTER (WHERE start_date + 84 <= %(as_of)s OR completed),
       count(*) FILTER (WHERE (start_date + 84 <= %(as_of)s OR completed)
                        AND (ended_on IS NULL OR ended_on - start_date >= 84 OR completed)),
       count(*) FILTER (WHERE exited AND unplanned AND ended_on - start_date < 84),
       count(*) FILTER (WHERE start_date >= %(start)s),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FILTER (WHERE start_date >= %(start)s),
       count(*) FILTER (WHERE start_date >= %(start)s AND wait > 21)
FROM t LEFT JOIN again ON again.id = t.id
{group_by}
"""

ORDER = [k for k in KEYS if k not in ("median_wait_days", "waited_over_21_days")]
ORDER += ["median_wait_days", "waited_over_21_days"]


def _row(values) -> dict:
    out = dict(zip(ORDER, values, strict=True))
    if out["median_wait_days"] is not None:
        out["median_wait_days"] = float(out["median_wait_days"])
    return {k: out[k] for k in KEYS}


def national_sql(services: list[int], start, end, as_of, *, per_service: bool = False):
    params = {
        "services": services,
        "start": start,
        "end": end,
        "last": min(end, as_of),
        "as_of": as_of,
    }
    sql = NATIONAL.format(
        group="t.service," if per_service else "",
        group_by="GROUP BY t.service" if per_service else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if per_service:
        return {row[0]: _row(row[1:]) for row in rows}
    return _row(rows[0])


def main() -> int:
    today = clock.today()
    end = today - dt.timedelta(days=200)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="start", default=(end - dt.timedelta(days=364)).isoformat())
    parser.add_argument("--to", dest="end", default=end.isoformat())
    parser.add_argument("--as-of", default=today.isoformat())
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    as_of = dt.date.fromisoformat(args.as_of)
    everyone = list(Service.objects.values_list("pk", flat=True))
    print(f"Database: {database_size()}")
    print(f"All {len(everyone)} services, {start} to {end} as of {as_of}")
    cohort = Cohort(start, end, as_of, None)
    ours, ours_t = timed(lambda: national(cohort), args.runs)
    hand, hand_t = timed(lambda: national_sql(everyone, start, end, as_of), args.runs)
    print("  " + ", ".join(f"{k} {v}" for k, v in ours.items()))
    print(summary("reporting.metrics.national", ours_t))
    print(summary("hand-written SQL", hand_t))
    ratio = statistics.median(ours_t) / statistics.median(hand_t)
    print(f"ratio (median ours / median SQL): {ratio:.2f}")
    runs_by = max(1, args.runs // 2)
    by, by_t = timed(lambda: national_by(cohort, "service"), runs_by)
    hand_by, hand_by_t = timed(
        lambda: national_sql(everyone, start, end, as_of, per_service=True), runs_by
    )
    print(summary("national_by(service)", by_t))
    print(summary("hand-written SQL per service", hand_by_t))
    by_ratio = statistics.median(by_t) / statistics.median(hand_by_t)
    print(f"ratio per service: {by_ratio:.2f}")
    diff = differences(ours, hand) + differences(by, hand_by, "per_service")
    print("same figures: yes" if not diff else "DIFFERENT: " + "; ".join(diff[:20]))
    emit(
        "national measures, all services, one year",
        [1000 * t for t in ours_t],
        unit="ms",
        target="≤ 3× hand-written SQL",
        met=ratio <= 3 and not diff,
        summary=(
            f"SQL {1000 * statistics.median(hand_t):,.0f} ms, ratio {ratio:.2f}; "
            f"per service {1000 * statistics.median(by_t):,.0f} ms vs SQL "
            f"{1000 * statistics.median(hand_by_t):,.0f} ms, ratio {by_ratio:.2f}"
            + ("" if not diff else "; FIGURES DIFFER")
        ),
    )
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
