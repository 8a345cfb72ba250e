"""A service's dashboard from its stored snapshot, under load: the managers
of 20 services each opening their own dashboard (last quarter as of today,
the page's default), on gunicorn with 3 workers.

    DATABASE_URL=... .venv/bin/python bench/service_dashboard.py [--runs 3] [--seconds 20]

The snapshots are computed first where missing (what the nightly job does),
and that time is printed too. Target: p95 under 100 ms."""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import Call, emit_load, load_page, page_arguments, signed_in  # noqa: E402
from django.db.models import Count  # noqa: E402

from nectos import clock  # noqa: E402
from reporting.dashboards.actions import snapshot_compute, snapshot_request  # noqa: E402
from reporting.dashboards.quarters import Quarter  # noqa: E402
from reporting.dashboards.queries import get_snapshot  # noqa: E402
from services.models import Membership, Role, Service  # noqa: E402

CHART_DATA = 'id="chart-'


def busiest_dashboards(n: int) -> tuple[list[Service], list, Quarter]:
    """The n busiest services (the biggest snapshots), each with its
    snapshot of last quarter as of today, computed first where missing, and
    a manager of each."""
    today = clock.today()
    quarter = Quarter.of(today).previous()
    services = list(Service.objects.annotate(n=Count("referrals")).order_by("-n", "code")[:n])
    computed = []
    for service in services:
        snapshot = get_snapshot(service, quarter.start, quarter.end, today)
        if snapshot is None or snapshot.data is None:
            began = time.perf_counter()
            snapshot = snapshot_request(
                service=service, start=quarter.start, end=quarter.end, as_of=today
            )
            if get_snapshot(service, quarter.start, quarter.end, today).data is None:
                snapshot_compute(snapshot_id=snapshot.pk)  # a broker was configured
            computed.append(time.perf_counter() - began)
    if computed:
        print(
            f"  computed {len(computed)} snapshots: median {statistics.median(computed):.2f} s, "
            f"max {max(computed):.2f} s each"
        )
    managers = [
        Membership.objects.filter(service=s, role=Role.MANAGER).select_related("user").first().user
        for s in services
    ]
    return services, managers, quarter


def main() -> int:
    args = page_arguments(__doc__).parse_args()
    services, managers, quarter = busiest_dashboards(args.users)
    with signed_in(managers) as cookies:
        costs, results = load_page(
            [Call(f"/dashboards/{s.code}/", c) for s, c in zip(services, cookies, strict=True)],
            runs=args.runs,
            seconds=args.seconds,
            marker=CHART_DATA,
            first=lambda body: print(
                f"  first dashboard ({services[0].code}, {quarter.code}): {len(body):,} bytes"
            ),
        )
    emit_load(
        "service dashboard from a snapshot (20 managers)",
        results,
        limit_ms=100,
        service=costs,
        quarter=quarter.code,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
