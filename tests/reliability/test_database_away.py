"""A database that goes away mid-session: the user is told so with a 503
and a time to retry, not "something went wrong"; other faults stay 500."""

import pytest
from django.db import connection, connections

from nectos.errors import RETRY_AFTER_SECONDS, server_error

pytestmark = pytest.mark.django_db(transaction=True)


def _cut_off_this_connection() -> None:
    """End the test's own database session from the server side, as a
    restart of PostgreSQL would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_request_while_the_database_is_away_answers_503_and_says_so(client, alice):
    client.force_login(alice)
    assert client.get("/caseload/").status_code == 200
    client.raise_request_exception = False
    _cut_off_this_connection()
    try:
        response = client.get("/caseload/")
    finally:
        connection.close()  # the next use reconnects
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert "cannot reach its database" in body
    assert "may not have been saved" in body
    # Back again: the same session carries on.
    assert client.get("/caseload/").status_code == 200


def test_any_other_fault_stays_a_500(rf):
    request = rf.get("/")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
