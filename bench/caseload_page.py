"""The keyworker's caseload page under load: 20 keyworkers, each with about
40 open episodes, on gunicorn with 3 workers.

    DATABASE_URL=... .venv/bin/python bench/caseload_page.py [--runs 3] [--seconds 20]

Target: p95 under 150 ms, no errors. Sessions are minted through
Django's session store (docs/benchmarks.md: the load model)."""

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import Call, emit_load, load_page, page_arguments, signed_in  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.db.models.functions import Abs  # noqa: E402

from keywork.models import Episode  # noqa: E402
from services.models import Role, User  # noqa: E402

ROW = 'data-testid="caseload-row"'


def keyworkers_near(open_episodes: int, n: int) -> list[User]:
    """The n keyworkers whose open caseload is nearest the size asked for."""
    return list(
        User.objects.filter(memberships__role=Role.KEYWORKER)
        .annotate(n_open=Count("episodes", filter=Q(episodes__end_date__isnull=True)))
        .annotate(off=Abs(F("n_open") - open_episodes))
        .order_by("off", "username")[:n]
    )


@contextlib.contextmanager
def caseloads_of(size: int, n: int) -> Iterator[list[User]]:
    """n keyworkers with exactly `size` open episodes each. The national set
    has few caseloads that big (its largest is under 40), so the busiest
    keyworkers are topped up with open episodes of colleagues in the same
    service, and every episode goes back to its keyworker afterwards.
    Written with triggers off: bench set-up, not a clinical reassignment."""
    users = keyworkers_near(size, n)
    moved: list[tuple[int, int]] = []  # (episode, original keyworker)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        chosen = [u.pk for u in users]
        for user in users:
            missing = size - user.n_open
            if missing <= 0:
                continue
            spare = list(
                Episode.objects.filter(
                    end_date__isnull=True,
                    referral__service__memberships__user=user,
                    referral__service__memberships__role=Role.KEYWORKER,
                )
                .exclude(keyworker__in=chosen)
                .order_by("pk")
                .values_list("pk", "keyworker_id")[:missing]
            )
            if len(spare) < missing:
                raise SystemExit(f"not enough open episodes to give {user} {size}")
            moved += spare
            cursor.execute(
                "UPDATE keywork_episode SET keyworker_id = %s WHERE id = ANY(%s)",
                [user.pk, [pk for pk, _ in spare]],
            )
    try:
        yield users
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for pk, keyworker in moved:
                cursor.execute(
                    "UPDATE keywork_episode SET keyworker_id = %s WHERE id = %s", [keyworker, pk]
                )


def main() -> int:
    parser = page_arguments(__doc__)
    parser.add_argument("--open", type=int, default=40, help="open episodes per keyworker")
    args = parser.parse_args()
    with caseloads_of(args.open, args.users) as users, signed_in(users) as cookies:
        sizes = sorted(
            Episode.objects.filter(keyworker=u, end_date__isnull=True).count() for u in users
        )
        print(f"{len(users)} keyworkers with {sizes[0]} to {sizes[-1]} open episodes")
        costs, results = load_page(
            [Call("/caseload/", c) for c in cookies],
            runs=args.runs,
            seconds=args.seconds,
            marker=ROW,
            first=lambda body: print(
                f"  first caseload shows {body.count(ROW)} rows, {len(body):,} bytes"
            ),
        )
    emit_load(
        "caseload page (40 open episodes, 20 users, 3 workers)",
        results,
        limit_ms=150,
        service=costs,
        open_episodes=f"{sizes[0]}-{sizes[-1]}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
