"""Print the size of the data set in the database, on one line (for the
header of docs/benchmarks.md).

    DATABASE_URL=... .venv/bin/python bench/dataset_size.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup  # noqa: E402

setup()

from django.db import connection  # noqa: E402

TABLES = (
    ("services_service", "services"),
    ("clients_referral", "referrals"),
    ("keywork_episode", "episodes"),
    ("keywork_contact", "contacts"),
    ("outcomes_outcomeform", "outcome forms"),
)


def main() -> None:
    parts = []
    with connection.cursor() as cursor:
        for table, label in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            parts.append(f"{cursor.fetchone()[0]:,} {label}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        parts.append(f"database {cursor.fetchone()[0]}")
        cursor.execute("SHOW server_version")
        parts.append(f"PostgreSQL {cursor.fetchone()[0].split()[0]}")
    print(", ".join(parts))


if __name__ == "__main__":
    main()
