"""Logging a contact through the form, under load: 20 keyworkers each
posting the caseload's in-place contact logger (an HTMX POST of the form,
CSRF token and all) for one of their open episodes, on gunicorn with 3
workers.

    DATABASE_URL=... .venv/bin/python bench/contact_log.py [--runs 3] [--seconds 20]

Target: p95 under 150 ms. The contacts written (with their
interventions and history rows) are deleted afterwards, so the data set is
left as it was."""

import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web import force_production_settings  # noqa: E402

force_production_settings()
from _django import setup  # noqa: E402

setup()

from _web import (  # noqa: E402
    CSRF_SECRET,
    Call,
    emit_load,
    load_page,
    page_arguments,
    signed_in,
)
from caseload_page import keyworkers_near  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from keywork.models import Contact, Episode  # noqa: E402
from nectos import clock  # noqa: E402


def form_body(day) -> str:
    return urlencode(
        {
            "csrfmiddlewaretoken": CSRF_SECRET,
            "contact_date": day.isoformat(),
            "contact_type": "keywork",
            "mode": "in_person",
            "duration_minutes": "60",
            "attendance": "attended",
            "interventions": "motivational_interviewing",
            "note": "Bench contact: talked through the week ahead.",
        }
    )


def remove_written(user_ids: list[int], since) -> int:
    """Delete what the run wrote, history rows included, without writing
    delete events (bench clean-up, not a clinical action)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE bench_written ON COMMIT DROP AS "
            "SELECT id FROM keywork_contact WHERE recorded_by_id = ANY(%s) AND created_at >= %s",
            [user_ids, since],
        )
        cursor.execute("SELECT count(*) FROM bench_written")
        n = cursor.fetchone()[0]
        for sql in (
            "DELETE FROM keywork_contactinterventionevent WHERE contact_id IN "
            "(SELECT id FROM bench_written)",
            "DELETE FROM keywork_contactintervention WHERE contact_id IN "
            "(SELECT id FROM bench_written)",
            "DELETE FROM keywork_contactevent WHERE pgh_obj_id IN (SELECT id FROM bench_written)",
            "DELETE FROM keywork_contact WHERE id IN (SELECT id FROM bench_written)",
        ):
            cursor.execute(sql)
    return n


def episodes_to_log(n: int) -> tuple[list, list[Episode]]:
    """n keyworkers with caseloads near 40, and an open episode of each."""
    users = keyworkers_near(40, n)
    episodes = [
        Episode.objects.filter(keyworker=u, end_date__isnull=True).order_by("pk").first()
        for u in users
    ]
    return users, episodes


def main() -> int:
    args = page_arguments(__doc__).parse_args()
    users, episodes = episodes_to_log(args.users)
    today = clock.today()
    body = form_body(today)
    since = clock.now()
    before = Contact.objects.count()

    def wrote_one(_page: str) -> None:
        if Contact.objects.count() != before + 1:
            raise SystemExit("the first POST did not write a contact")

    try:
        with signed_in(users) as cookies:
            costs, results = load_page(
                [
                    Call(
                        f"/episodes/{e.pk}/contacts/new/",
                        c,
                        body=body,
                        headers={"HX-Request": "true"},
                    )
                    for e, c in zip(episodes, cookies, strict=True)
                ],
                runs=args.runs,
                seconds=args.seconds,
                first=wrote_one,
                max_requests=1000,
            )
    finally:
        removed = remove_written([u.pk for u in users], since)
        print(f"  removed the {removed:,} contacts the run wrote")
    emit_load(
        "logging a contact (HTMX POST through the form, 20 users)",
        results,
        limit_ms=150,
        service=costs,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
