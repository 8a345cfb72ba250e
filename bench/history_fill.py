"""Give the national data set the history a real installation would have.

    DATABASE_URL=... .venv/bin/python bench/history_fill.py

`generate_demo --scale national` loads with triggers off, so the pghistory
event tables start empty; a system that had recorded those years would hold
an insert event for every client, referral, appointment, episode, contact
and outcome form. The dashboards read those tables on every view (the
newest change a snapshot covers), so the page benchmarks need them full.
This writes one insert event per row, dated on the record's own date at
noon, for each table whose event table is still empty (so it runs once).
Contact interventions are left out: nothing reads their history in bulk."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from django.db import connection, transaction  # noqa: E402

from clients.models import Appointment, Client, Referral  # noqa: E402
from keywork.models import Contact, Episode  # noqa: E402
from outcomes.models import OutcomeForm  # noqa: E402

# When each kind of record would have been entered.
WHEN = {
    # A client is registered with their first referral.
    Client: "(SELECT min(r.referral_date) FROM clients_referral r "
    "WHERE r.client_id = clients_client.id) + time '12:00'",
    Referral: "referral_date + time '12:00'",
    Appointment: "offered_date + time '12:00'",
    Episode: "start_date + time '12:00'",
    Contact: "contact_date + time '12:00'",
    OutcomeForm: "form_date + time '12:00'",
}


def fill(model) -> int | None:
    events = model.pgh_event_model
    table, event_table = model._meta.db_table, events._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {event_table})")
        if cursor.fetchone()[0]:
            return None
        copied = [f.column for f in events._meta.concrete_fields if not f.column.startswith("pgh_")]
        columns = ", ".join(f'"{c}"' for c in copied)
        cursor.execute(
            f"INSERT INTO {event_table} (pgh_created_at, pgh_label, pgh_obj_id, {columns}) "
            f"SELECT {WHEN[model]}, 'insert', id, {columns} FROM {table}"
        )
        n = cursor.rowcount
        cursor.execute(f"ANALYZE {event_table}")
    return n


def main() -> None:
    for model in WHEN:
        began = time.perf_counter()
        with transaction.atomic():
            n = fill(model)
        name = model.pgh_event_model._meta.db_table
        if n is None:
            print(f"  {name}: already holds events, left alone")
        else:
            print(f"  {name}: {n:,} insert events in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
