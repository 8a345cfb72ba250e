"""The client record under load: 20 keyworkers each opening a client of
theirs whose record holds about 200 contacts, on gunicorn with 3 workers.

    DATABASE_URL=... .venv/bin/python bench/client_record.py [--runs 3] [--seconds 20]

Target: p95 under 150 ms. Every opening writes an access event,
as it does for real."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import Call, emit_load, load_page, page_arguments, signed_in  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.db.models.functions import Abs  # noqa: E402

from keywork.models import Episode  # noqa: E402

TIMELINE = 'data-testid="timeline"'


def episodes_near(contacts: int, n: int) -> list[Episode]:
    """Open episodes, one per keyworker, with about `contacts` contacts."""
    candidates = (
        Episode.objects.filter(end_date__isnull=True)
        .annotate(n_contacts=Count("contacts"))
        .annotate(off=Abs(F("n_contacts") - contacts))
        .filter(off__lte=contacts // 4)
        .select_related("keyworker", "referral__client")
        .order_by("off", "pk")
    )
    chosen, workers = [], set()
    for episode in candidates[: n * 20]:
        if episode.keyworker_id not in workers:
            chosen.append(episode)
            workers.add(episode.keyworker_id)
        if len(chosen) == n:
            break
    return chosen


def main() -> int:
    parser = page_arguments(__doc__)
    parser.add_argument("--contacts", type=int, default=200)
    args = parser.parse_args()
    episodes = episodes_near(args.contacts, args.users)
    if not episodes:
        raise SystemExit(f"no open episode with about {args.contacts} contacts: load the data")
    sizes = sorted(e.n_contacts for e in episodes)
    print(f"{len(episodes)} records with {sizes[0]} to {sizes[-1]} contacts")
    with signed_in(e.keyworker for e in episodes) as cookies:
        costs, results = load_page(
            [
                Call(f"/clients/{e.referral.client.key}/", c)
                for e, c in zip(episodes, cookies, strict=True)
            ],
            runs=args.runs,
            seconds=args.seconds,
            marker=TIMELINE,
            first=lambda body: print(f"  first record: {len(body):,} bytes"),
        )
    emit_load(
        "client record (200 contacts, 20 users)",
        results,
        limit_ms=150,
        service=costs,
        contacts=f"{sizes[0]}-{sizes[-1]}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
