"""The application's database role cannot change or empty the insert-only
tables (access events, break-glass attempts, every history table), even
with pgtrigger.ignore set: it holds SELECT and INSERT there, and owns no
table. The test creates the role in the test cluster when it is missing."""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from clients.models import AccessEvent
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

APP_ROLE = "nectos_app"


@pytest.fixture(autouse=True)
def code_lists(transactional_db):
    # A transactional test may follow one whose flush emptied the code lists.
    from tests.code_lists import seed_all_code_lists

    seed_all_code_lists()


def ensure_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN "
            "CREATE ROLE nectos_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$",
            [APP_ROLE],
        )


def connect_as_app():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=APP_ROLE,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


def refused(cursor, sql: str) -> bool:
    cursor.execute("SAVEPOINT attempt")
    # Whatever trigger would refuse it is told to stand aside.
    cursor.execute("SET LOCAL pgtrigger.ignore = '{clients_accessevent:access_event_insert_only}'")
    try:
        cursor.execute(sql)
    except psycopg2.errors.InsufficientPrivilege:
        cursor.execute("ROLLBACK TO SAVEPOINT attempt")
        return True
    cursor.execute("ROLLBACK TO SAVEPOINT attempt")
    return False


def test_the_application_role_cannot_update_delete_or_truncate_insert_only_tables(alice, service_a):
    ensure_role()
    call_command("db_roles", app_role=APP_ROLE)
    client = ReferralFactory(service=service_a).client
    AccessEvent.objects.create(user=alice, role="keyworker", kind="view", client=client)
    client.preferred_name = "history row"
    client.save()

    with connect_as_app() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clients_accessevent")
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
            [APP_ROLE],
        )
        assert cursor.fetchone()[0] == 0  # owns no table
        for table, key in (
            ("clients_accessevent", "id"),
            ("clients_clientevent", "pgh_id"),
            ("services_membershipevent", "pgh_id"),
        ):
            assert refused(cursor, f"UPDATE {table} SET {key} = {key}"), table
            assert refused(cursor, f"DELETE FROM {table}"), table
            assert refused(cursor, f"TRUNCATE {table}"), table
        # It still does its work: reads and writes records, inserts events.
        cursor.execute(
            "UPDATE clients_client SET preferred_name = 'changed' WHERE id = %s", [client.pk]
        )
        cursor.execute(
            "INSERT INTO clients_accessevent (at, user_id, role, kind, client_id, file_label, "
            "reason, reason_category, request_id, path) "
            "VALUES (now(), %s, 'keyworker', 'view', %s, '', '', '', '', '')",
            [alice.pk, client.pk],
        )
        conn.rollback()
