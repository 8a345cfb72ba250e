"""Give the application's database role what it needs and no more.

Run by the owner role (the one migrations run as) after every `migrate`:

    manage.py db_roles --app-role nectos_app

The application role owns no table. It may read and write the ordinary
tables, but on the access-event table, the break-glass attempts and every
history (`*event`) table it has SELECT and INSERT only: no UPDATE, DELETE
or TRUNCATE, so setting `pgtrigger.ignore` gains it nothing. Idempotent."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Insert-only tables besides the pghistory event tables (named *event).
INSERT_ONLY = ("clients_accessevent", "clients_breakglassattempt")


def insert_only_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND (tablename LIKE '%%event' OR tablename = ANY(%s)) ORDER BY tablename",
        [list(INSERT_ONLY)],
    )
    return [name for (name,) in cursor.fetchall()]


def apply_grants(cursor, app_role: str) -> list[str]:
    """The grants, for the role named; returns the insert-only tables."""
    role = connection.ops.quote_name(app_role)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
    if cursor.fetchone() is None:
        raise CommandError(f"no database role {app_role!r}: create it first (see README)")
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
        [app_role],
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise CommandError(f"{app_role} owns tables ({', '.join(owned[:5])}): it must own none")
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    tables = insert_only_tables(cursor)
    for table in tables:
        name = connection.ops.quote_name(table)
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {role}")
    return tables


class Command(BaseCommand):
    help = "Grant the application role its rights (run as the owner role after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True)

    def handle(self, *args, app_role: str, **options):
        with connection.cursor() as cursor:
            tables = apply_grants(cursor, app_role)
        self.stdout.write(
            f"{app_role}: read and write on ordinary tables; SELECT and INSERT only on "
            f"{len(tables)} insert-only tables."
        )
