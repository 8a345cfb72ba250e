"""What a keyworker's busiest pages cost in Python CPU, as a multiple of a
plain table rendered by the same Django in the same process.

    DATABASE_URL=... .venv/bin/python bench/page_cpu.py [--rounds 40] [--profile caseload]

In-process (Django's test client, production settings, a minted signed-in
session): the caseload of the keyworker with the most open episodes (one
page, at most 50 rows), the client record of their client with the most
contacts (its first timeline page of 30) and their services' waiting list.
The baseline is a plain 40-row, 6-column table with a `{% url %}` link a
row, from a template string.

Only this process's CPU time is counted (time.process_time: PostgreSQL's
work is another process's), the page renders and the baseline are
interleaved round by round, and the figures are medians, so that the ratio
hardly moves with the machine's load. Target: each page at most 10 times
the baseline. `--profile NAME` runs cProfile over 20 requests of one page
instead and prints its top functions."""

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import emit, forget_sessions, mint_session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402

from keywork.models import Episode  # noqa: E402
from services.models import Role, User  # noqa: E402

LIMIT = 10  # times the plain table

PLAIN = (
    '<table class="table"><thead><tr>'
    '{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>\n<tbody>'
    '{% for row in rows %}<tr><th scope="row"><a href="/clients/{{ row.key }}/">'
    "{{ row.name }}</a></th>\n<td>{{ row.tier }}</td><td>{{ row.days }}</td>"
    "<td>{{ row.seen }}</td><td>{{ row.next }}</td><td>{{ row.worker }}</td></tr>\n"
    "{% endfor %}</tbody></table>"
)


def plain_table():
    """A callable rendering the baseline table; the rows are built once."""
    template = engines["django"].from_string(PLAIN)
    rows = [
        {
            "key": uuid.UUID(int=i),
            "name": f"A.B. · Client {i}",
            "tier": 3,
            "days": 40 + i,
            "seen": "1 Jun",
            "next": "Mon 8 Jun",
            "worker": "Keyworker",
        }
        for i in range(40)
    ]
    headers = ["Client", "Tier", "Days", "Seen", "Next", "Keyworker"]
    return lambda: template.render({"rows": rows, "headers": headers})


def pages() -> tuple[User, dict[str, str]]:
    """The keyworker with the most open episodes and the URLs of their pages."""
    user = (
        User.objects.filter(memberships__role=Role.KEYWORKER, is_active=True)
        .annotate(n_open=Count("episodes", filter=Q(episodes__end_date__isnull=True)))
        .order_by("-n_open", "username")
        .first()
    )
    if user is None or not user.n_open:
        raise SystemExit("no keyworker with open episodes: load the demo data")
    episode = (
        Episode.objects.filter(keyworker=user, end_date__isnull=True)
        .annotate(n=Count("contacts"))
        .select_related("referral__client")
        .order_by("-n", "pk")
        .first()
    )
    print(f"{user.username}: {user.n_open} open episodes; record with {episode.n} contacts")
    return user, {
        "caseload": "/caseload/",
        "record": f"/clients/{episode.referral.client.key}/",
        "waiting": "/waiting-list/",
    }


def client_for(cookie: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    return client


def cpu_ms(call) -> float:
    start = time.process_time()
    call()
    return 1000 * (time.process_time() - start)


def plain_ms(plain, renders: int = 5) -> float:
    """One render of the baseline, averaged over a few: one is too short a
    time for the clock's and the machine's jitter."""
    start = time.process_time()
    for _ in range(renders):
        plain()
    return 1000 * (time.process_time() - start) / renders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", help="cProfile 20 requests of this page instead")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--profile-out", help="also write the raw profile here (pstats)")
    args = parser.parse_args()
    # DEBUG off serves static files through the manifest: build it first.
    call_command("collectstatic", interactive=False, verbosity=0)
    user, urls = pages()
    cookie = mint_session(user)
    try:
        client = client_for(cookie)
        fetch = {}
        for name, url in urls.items():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            fetch[name] = lambda url=url: client.get(url)
        if args.profile:
            for _ in range(3):
                fetch[args.profile]()
            # The wall clock: a CPU-time timer costs more than the calls it times.
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(20):
                fetch[args.profile]()
            profile.disable()
            if args.profile_out:
                profile.dump_stats(args.profile_out)
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            return 0
        plain = plain_table()
        samples: dict[str, list[float]] = {name: [] for name in [*fetch, "plain"]}
        ratios: dict[str, list[float]] = {name: [] for name in fetch}
        for _ in range(5):  # warm the template and URL caches
            plain()
            for call in fetch.values():
                call()
        for _ in range(args.rounds):
            gc.collect()
            # Each page beside the baseline measured just before and just
            # after it (five renders each), so that a change in the
            # machine's speed during the run moves both alike.
            before = plain_ms(plain)
            for name, call in fetch.items():
                page = cpu_ms(call)
                after = plain_ms(plain)
                samples[name].append(page)
                ratios[name].append(page / ((before + after) / 2))
                samples["plain"].append(after)
                before = after
    finally:
        forget_sessions([cookie])
    base = statistics.median(samples["plain"])
    print(f"plain table (40 rows, 6 columns): median {base:.2f} ms of CPU")
    labels = {
        "caseload": "Python CPU a page: caseload, in-process",
        "record": "Python CPU a page: client record, in-process",
        "waiting": "Python CPU a page: waiting list, in-process",
    }
    for name in fetch:
        median_ms = statistics.median(samples[name])
        ratio = statistics.median(ratios[name])
        print(f"{name}: median {median_ms:.1f} ms, {ratio:.1f} times the plain table")
        emit(
            labels[name],
            ratios[name],
            unit="× plain table",
            target=f"≤ {LIMIT}× a plain 40-row table",
            met=ratio <= LIMIT,
            page_ms=round(median_ms, 1),
            plain_ms=round(base, 2),
            summary=f"median {median_ms:.1f} ms of Python CPU, plain table {base:.2f} ms "
            f"({args.rounds} interleaved rounds)",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
