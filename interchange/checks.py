"""The cross-row rules of an import, as SQL over the staging tables and the
database. Each check returns (line, column, reason) rows; a reference may
resolve to a row of the bundle or to a record already in the database."""

import datetime as dt
from collections import defaultdict
from typing import Any

from interchange import cm_checks, top_files
from interchange.bundle import Problem
from interchange.resources import RESOURCES
from interchange.staging import execute, fetch

CLINICAL = ("keyworker", "manager")


# A reference outside the importer's services gets one of these, the same
# whether or not it exists anywhere, and no other check speaks of its row.
TAKEN = "this {} is not free for you to use: choose another reference"


def run_all(*, scope: Any, today: dt.date, broken: set[str], present: set[str]) -> list[Problem]:
    allowed = sorted(scope.services) if scope is not None else None
    # Scope first: references resolve to the bundle's own rows and to the
    # records of the importer's services only, so no check compares a row
    # with (or quotes) a record the importer cannot see on a page.
    _resolve(allowed)
    problems: list[Problem] = []
    problems += _duplicates()
    problems += _services(allowed)
    problems += _staff(allowed)
    problems += _clients(allowed)
    problems += _referrals(allowed, broken)
    problems += _appointments(allowed, broken)
    problems += _episodes(allowed, broken)
    problems += _contacts(allowed, broken)
    problems += _outcomes(allowed, broken)
    problems += cm_checks.run(allowed, broken)
    problems += top_files.checks(allowed, broken)
    return _only_scope_problems_on_out_of_scope_rows(problems)


def _only_scope_problems_on_out_of_scope_rows(problems: list[Problem]) -> list[Problem]:
    mark = TAKEN.format("")[5:]
    taken = {(p.file, p.line) for p in problems if mark in p.reason}
    return [p for p in problems if (p.file, p.line) not in taken or mark in p.reason]


def _where(allowed: list[str] | None) -> str:
    return "the database" if allowed is None else "your services"


def _resolve(allowed: list[str] | None) -> None:
    """Temporary tables that answer "what does this reference point at":
    the bundle's own row when it has one, else the database's record."""
    execute(
        """
        CREATE TEMP TABLE res_client ON COMMIT DROP AS
        SELECT DISTINCT ON (ref) ref, date_of_birth, db_id FROM (
            SELECT s.client_ref AS ref, s.date_of_birth, c.id AS db_id, 0 AS pri
            FROM stage_clients s LEFT JOIN clients_client c ON c.reference = s.client_ref
            WHERE s.client_ref IS NOT NULL
            UNION ALL
            SELECT c.reference, c.date_of_birth, c.id, 1 FROM clients_client c
            WHERE c.reference IN (SELECT client_ref FROM stage_referrals)
              AND (%(all)s OR EXISTS (
                SELECT 1 FROM clients_referral r JOIN services_service sv
                ON sv.id = r.service_id WHERE r.client_id = c.id AND sv.code = ANY(%(allowed)s)))
        ) q ORDER BY ref, pri, date_of_birth;
        CREATE INDEX ON res_client (ref);
        ANALYZE res_client;

        CREATE TEMP TABLE res_referral ON COMMIT DROP AS
        SELECT DISTINCT ON (ref) ref, service_code, referral_date, db_id FROM (
            SELECT s.referral_ref AS ref, s.service_code, s.referral_date, r.id AS db_id,
                   0 AS pri
            FROM stage_referrals s LEFT JOIN clients_referral r ON r.reference = s.referral_ref
            WHERE s.referral_ref IS NOT NULL
            UNION ALL
            SELECT r.reference, sv.code, r.referral_date, r.id, 1
            FROM clients_referral r JOIN services_service sv ON sv.id = r.service_id
            WHERE r.reference IN (SELECT referral_ref FROM stage_appointments
                                  UNION SELECT referral_ref FROM stage_episodes)
              AND (%(all)s OR sv.code = ANY(%(allowed)s))
        ) q ORDER BY ref, pri, referral_date;
        CREATE INDEX ON res_referral (ref);
        ANALYZE res_referral;

        CREATE TEMP TABLE res_episode ON COMMIT DROP AS
        SELECT DISTINCT ON (ref) ref, service_code, start_date, end_date FROM (
            SELECT s.episode_ref AS ref, rr.service_code, s.start_date, s.end_date, 0 AS pri
            FROM stage_episodes s LEFT JOIN res_referral rr ON rr.ref = s.referral_ref
            WHERE s.episode_ref IS NOT NULL
            UNION ALL
            SELECT e.reference, sv.code, e.start_date, e.end_date, 1
            FROM keywork_episode e JOIN clients_referral r ON r.id = e.referral_id
            JOIN services_service sv ON sv.id = r.service_id
            WHERE e.reference IN (SELECT episode_ref FROM stage_contacts
                                  UNION SELECT episode_ref FROM stage_outcomes
                                  UNION SELECT episode_ref FROM stage_tops
                                  UNION SELECT episode_ref FROM stage_client_reviews)
              AND (%(all)s OR sv.code = ANY(%(allowed)s))
        ) q ORDER BY ref, pri, start_date;
        CREATE INDEX ON res_episode (ref);
        ANALYZE res_episode;
        """,
        # Named parameters (a dict), which psycopg takes and the stubs do not allow.
        {"all": allowed is None, "allowed": allowed or []},  # type: ignore[arg-type]
    )


def _problems(file: str, column: str | None, rows: list[tuple]) -> list[Problem]:
    return [Problem(file, line, column, reason) for line, reason in rows]


def _duplicates() -> list[Problem]:
    problems = []
    for resource in RESOURCES:
        table = "stage_" + resource.file_name.removesuffix(".csv")
        if resource.file_name in ("appointments.csv", "contacts.csv"):
            # Two rows may share a key (two contacts on a day); only a row
            # repeated cell for cell is taken as a mistake.
            keys = [f'"{name}"' for name in resource.fields]
            where = "TRUE"
            reason = "repeats line {} exactly (two identical records are taken as a mistake)"
            column = None
        else:
            keys = [f'"{name}"' for name in resource.key]
            where = " AND ".join(f"{k} IS NOT NULL" for k in keys)
            reason = "the same " + " and ".join(resource.key) + " as line {}"
            column = resource.key[0]
        rows = fetch(
            f"""
            SELECT line, first FROM (
                SELECT line, min(line) OVER (PARTITION BY {", ".join(keys)}) AS first
                FROM "{table}" WHERE {where}
            ) q WHERE line <> first ORDER BY line
            """  # noqa: S608 (table and column names are constants)
        )
        problems += [Problem(resource.file_name, ln, column, reason.format(f)) for ln, f in rows]
    rows = fetch(
        """
        SELECT line, first FROM (
            SELECT line, min(line) OVER (PARTITION BY referral_ref) AS first
            FROM stage_episodes WHERE referral_ref IS NOT NULL
        ) q WHERE line <> first ORDER BY line
        """
    )
    problems += [
        Problem(
            "episodes.csv",
            ln,
            "referral_ref",
            f"a referral has one episode at most, and line {f} has the same referral_ref",
        )
        for ln, f in rows
    ]
    return problems


def _outside(allowed: list[str] | None, code: str) -> str:
    return f"service {code} is not one you manage: you may import rows for " + (
        ", ".join(allowed or []) or "no service"
    )


def _services(allowed: list[str] | None) -> list[Problem]:
    if allowed is None:
        return []
    rows = fetch(
        "SELECT line, code FROM stage_services WHERE code IS NOT NULL AND NOT code = ANY(%s)",
        [allowed],
    )
    return [Problem("services.csv", ln, "code", _outside(allowed, code)) for ln, code in rows]


def _staff(allowed: list[str] | None) -> list[Problem]:
    known = {
        code
        for (code,) in fetch(
            "SELECT code FROM stage_services WHERE code IS NOT NULL "
            "UNION SELECT code FROM services_service"
        )
    }
    rows = fetch(
        "SELECT line, username, full_name, email, role, services FROM stage_staff "
        "WHERE NOT bad ORDER BY line"
    )
    existing: dict[str, set[str]] = defaultdict(set)
    for username, code in fetch(
        "SELECT u.username, coalesce(sv.code, '') FROM services_user u "
        "LEFT JOIN services_membership m ON m.user_id = u.id "
        "LEFT JOIN services_service sv ON sv.id = m.service_id WHERE u.username = ANY(%s)",
        [[r[1] for r in rows]],
    ):
        existing[username].add(code)
    now = {
        username: (name, email)
        for username, name, email in fetch(
            "SELECT username, full_name, email FROM services_user WHERE username = ANY(%s)",
            [[r[1] for r in rows]],
        )
    }
    problems = []
    first_seen: dict[str, tuple[int, str, str]] = {}
    roles: dict[tuple[str, str], tuple[int, str]] = {}

    def add(line: int, column: str | None, reason: str) -> None:
        problems.append(Problem("staff.csv", line, column, reason))

    # Administrators hold no clinical membership (a database rule too).
    clinical_now = {
        u
        for (u,) in fetch(
            "SELECT DISTINCT u.username FROM services_user u JOIN services_membership m "
            "ON m.user_id = u.id WHERE m.role IN ('keyworker', 'manager') "
            "AND u.username = ANY(%s)",
            [[r[1] for r in rows]],
        )
    }
    admins_now = {
        u
        for (u,) in fetch(
            "SELECT username FROM services_user WHERE is_superuser AND username = ANY(%s)",
            [[r[1] for r in rows]],
        )
    }
    admin_rows = {r[1] for r in rows if r[4] == "admin"}
    clinical_rows = {r[1] for r in rows if r[4] in CLINICAL}
    for line, username, full_name, email, role, services in rows:
        services = services or []
        becomes_admin = role == "admin" and username in clinical_now | clinical_rows
        if becomes_admin or (role in CLINICAL and username in admins_now | admin_rows):
            add(line, "role", "an administrator holds no clinical membership")
        for code in services:
            if code not in known:
                add(line, "services", f"unknown service code {code!r}")
        if allowed is not None:
            if role not in CLINICAL:
                add(line, "role", "a manager may import keyworkers and managers only")
            for code in services:
                if code in known and code not in allowed:
                    add(line, "services", _outside(allowed, code))
            if username in existing and not existing[username] & set(allowed):
                add(line, "username", "this username belongs to staff outside your services")
            elif existing.get(username, set()) - set(allowed) - {""} and (
                full_name,
                email,
            ) != now.get(username, (full_name, email)):
                # Their notices would go elsewhere for every service they work in.
                add(
                    line,
                    "full_name",
                    "this person also works in a service you do not manage: an administrator "
                    "changes their name and email",
                )
        if username in first_seen:
            first_line, first_name, first_email = first_seen[username]
            if (full_name, email) != (first_name, first_email):
                add(
                    line,
                    "full_name",
                    f"full_name and email differ from line {first_line} for the same username",
                )
        else:
            first_seen[username] = (line, full_name, email)
        for code in services:
            earlier = roles.get((username, code))
            if earlier and earlier[1] != role:
                add(
                    line,
                    "role",
                    f"line {earlier[0]} gives {username} another role in {code}: "
                    "one role per service",
                )
            roles.setdefault((username, code), (line, role))
    return problems


def _clients(allowed: list[str] | None) -> list[Problem]:
    if allowed is None:
        return []
    rows = fetch(
        """
        SELECT s.line, %s
        FROM stage_clients s JOIN clients_client c ON c.reference = s.client_ref
        WHERE NOT EXISTS (
            SELECT 1 FROM clients_referral r JOIN services_service sv ON sv.id = r.service_id
            WHERE r.client_id = c.id AND sv.code = ANY(%s))
        ORDER BY s.line
        """,
        [TAKEN.format("client_ref"), allowed],
    )
    return _problems("clients.csv", "client_ref", rows)


def _scoped(file: str, table: str, join: str, allowed: list[str] | None) -> list[Problem]:
    """Rows whose service (through their parent) is not one the importer manages."""
    if allowed is None:
        return []
    rows = fetch(
        f"""
        SELECT s.line, p.service_code FROM {table} s {join}
        WHERE p.service_code IS NOT NULL AND NOT p.service_code = ANY(%s) ORDER BY s.line
        """,  # noqa: S608 (table and column names are constants)
        [allowed],
    )
    column = "referral_ref" if "referral" in join else "episode_ref"
    return [Problem(file, ln, column, _outside(allowed, code)) for ln, code in rows]


def _referrals(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    f = "referrals.csv"
    problems = []
    if "clients.csv" not in broken:
        problems += _problems(
            f,
            "client_ref",
            fetch(
                f"""
                SELECT s.line, 'client_ref matches no client in clients.csv or {_where(allowed)}'
                FROM stage_referrals s LEFT JOIN res_client c ON c.ref = s.client_ref
                WHERE s.client_ref IS NOT NULL AND c.ref IS NULL ORDER BY s.line
                """  # noqa: S608 (a constant)
            ),
        )
        problems += _problems(
            f,
            "referral_date",
            fetch(
                """
                SELECT s.line, 'before the client''s date of birth'
                FROM stage_referrals s JOIN res_client c ON c.ref = s.client_ref
                WHERE s.referral_date < c.date_of_birth ORDER BY s.line
                """
            ),
        )
    if "services.csv" not in broken:
        problems += _problems(
            f,
            "service_code",
            fetch(
                """
                SELECT s.line, 'service_code matches no service in services.csv or the database'
                FROM stage_referrals s
                WHERE s.service_code IS NOT NULL
                  AND s.service_code NOT IN (SELECT code FROM stage_services WHERE code IS NOT NULL)
                  AND s.service_code NOT IN (SELECT code FROM services_service)
                ORDER BY s.line
                """
            ),
        )
    problems += _problems(
        f,
        "client_ref",
        fetch(
            """
            SELECT s.line, 'this referral_ref already belongs to another client'
            FROM stage_referrals s JOIN clients_referral r ON r.reference = s.referral_ref
            JOIN clients_client c ON c.id = r.client_id
            JOIN services_service sv ON sv.id = r.service_id
            WHERE s.client_ref IS NOT NULL AND c.reference <> s.client_ref
              AND (%(all)s OR sv.code = ANY(%(allowed)s))
            ORDER BY s.line
            """,
            {"all": allowed is None, "allowed": allowed or []},  # type: ignore[arg-type]
        ),
    )
    if allowed is not None:
        rows = fetch(
            """
            SELECT s.line, s.service_code FROM stage_referrals s
            WHERE s.service_code IS NOT NULL AND NOT s.service_code = ANY(%s) ORDER BY s.line
            """,
            [allowed],
        )
        problems += [Problem(f, ln, "service_code", _outside(allowed, code)) for ln, code in rows]
        problems += _problems(
            f,
            "referral_ref",
            fetch(
                """
                SELECT s.line, %s
                FROM stage_referrals s JOIN clients_referral r ON r.reference = s.referral_ref
                JOIN services_service sv ON sv.id = r.service_id
                WHERE NOT sv.code = ANY(%s) ORDER BY s.line
                """,
                [TAKEN.format("referral_ref"), allowed],
            ),
        )
    return problems


def _unresolved_referral(
    file: str, table: str, broken: set[str], allowed: list[str] | None
) -> list[Problem]:
    if "referrals.csv" in broken:
        return []
    return _problems(
        file,
        "referral_ref",
        fetch(
            f"""
            SELECT s.line, 'referral_ref matches no referral in referrals.csv or {_where(allowed)}'
            FROM {table} s LEFT JOIN res_referral r ON r.ref = s.referral_ref
            WHERE s.referral_ref IS NOT NULL AND r.ref IS NULL ORDER BY s.line
            """  # noqa: S608 (table and column names are constants)
        ),
    )


def _appointments(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    f = "appointments.csv"
    problems = _unresolved_referral(f, "stage_appointments", broken, allowed)
    problems += _problems(
        f,
        "offered_date",
        fetch(
            """
            SELECT s.line, 'offered before the referral (' || s.offered_date || ' is before '
                           || r.referral_date || ')'
            FROM stage_appointments s JOIN res_referral r ON r.ref = s.referral_ref
            WHERE s.offered_date < r.referral_date ORDER BY s.line
            """
        ),
    )
    problems += _scoped(
        f, "stage_appointments", "JOIN res_referral p ON p.ref = s.referral_ref", allowed
    )
    return problems


def _episodes(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    f = "episodes.csv"
    problems = _unresolved_referral(f, "stage_episodes", broken, allowed)
    problems += _problems(
        f,
        "start_date",
        fetch(
            """
            SELECT s.line, 'starts before the referral (' || s.start_date || ' is before '
                           || r.referral_date || ')'
            FROM stage_episodes s JOIN res_referral r ON r.ref = s.referral_ref
            WHERE s.start_date < r.referral_date ORDER BY s.line
            """
        ),
    )
    if "staff.csv" not in broken:
        problems += _problems(
            f,
            "keyworker",
            fetch(
                """
                SELECT s.line, 'keyworker ' || quote_literal(s.keyworker)
                               || ' matches no username in staff.csv or the database'
                FROM stage_episodes s
                WHERE s.keyworker IS NOT NULL
                  AND s.keyworker NOT IN (SELECT username FROM stage_staff
                                          WHERE username IS NOT NULL)
                  AND s.keyworker NOT IN (SELECT username FROM services_user)
                ORDER BY s.line
                """
            ),
        )
        problems += _problems(
            f,
            "keyworker",
            fetch(
                """
                SELECT s.line, 'keyworker ' || quote_literal(s.keyworker)
                               || ' does not work in service ' || r.service_code
                               || ' (an open episode''s keyworker must)'
                FROM stage_episodes s JOIN res_referral r ON r.ref = s.referral_ref
                WHERE s.end_date IS NULL AND s.keyworker IS NOT NULL
                  AND r.service_code IS NOT NULL
                  AND (s.keyworker IN (SELECT username FROM stage_staff)
                       OR s.keyworker IN (SELECT username FROM services_user))
                  AND NOT EXISTS (
                    SELECT 1 FROM stage_staff st WHERE st.username = s.keyworker
                    AND st.role IN ('keyworker', 'manager') AND r.service_code = ANY(st.services))
                  AND NOT EXISTS (
                    SELECT 1 FROM services_membership m
                    JOIN services_user u ON u.id = m.user_id
                    JOIN services_service sv ON sv.id = m.service_id
                    WHERE u.username = s.keyworker AND sv.code = r.service_code
                      AND m.role IN ('keyworker', 'manager'))
                ORDER BY s.line
                """
            ),
        )
    problems += _problems(
        f,
        "referral_ref",
        fetch(
            """
            SELECT s.line, 'this referral already has another episode in the database'
            FROM stage_episodes s JOIN clients_referral r ON r.reference = s.referral_ref
            JOIN keywork_episode e ON e.referral_id = r.id
            JOIN services_service sv ON sv.id = r.service_id
            WHERE s.episode_ref IS NOT NULL AND e.reference <> s.episode_ref
              AND (%(all)s OR sv.code = ANY(%(allowed)s))
            ORDER BY s.line
            """,
            {"all": allowed is None, "allowed": allowed or []},  # type: ignore[arg-type]
        ),
    )
    problems += _problems(
        f,
        "referral_ref",
        fetch(
            """
            SELECT s.line, CASE WHEN %(all)s OR sv.code = ANY(%(allowed)s)
                                THEN 'this episode_ref already belongs to another referral'
                                ELSE %(taken)s END
            FROM stage_episodes s JOIN keywork_episode e ON e.reference = s.episode_ref
            JOIN clients_referral r ON r.id = e.referral_id
            JOIN services_service sv ON sv.id = r.service_id
            WHERE s.referral_ref IS NOT NULL
              AND (r.reference <> s.referral_ref OR NOT (%(all)s OR sv.code = ANY(%(allowed)s)))
            ORDER BY s.line
            """,
            {  # type: ignore[arg-type]
                "all": allowed is None,
                "allowed": allowed or [],
                "taken": TAKEN.format("episode_ref"),
            },
        ),
    )
    problems += _scoped(
        f, "stage_episodes", "JOIN res_referral p ON p.ref = s.referral_ref", allowed
    )
    return problems


def _unresolved_episode(
    file: str, table: str, broken: set[str], allowed: list[str] | None
) -> list[Problem]:
    if "episodes.csv" in broken:
        return []
    return _problems(
        file,
        "episode_ref",
        fetch(
            f"""
            SELECT s.line, 'episode_ref matches no episode in episodes.csv or {_where(allowed)}'
            FROM {table} s LEFT JOIN res_episode e ON e.ref = s.episode_ref
            WHERE s.episode_ref IS NOT NULL AND e.ref IS NULL ORDER BY s.line
            """  # noqa: S608 (table and column names are constants)
        ),
    )


def _within_episode(file: str, table: str, column: str, grace: str = "0") -> list[Problem]:
    return _problems(
        file,
        column,
        fetch(
            f"""
            SELECT s.line, CASE
                WHEN s.{column} < e.start_date - ({grace})
                THEN 'before the episode started (' || e.start_date || ')'
                ELSE 'after the episode ended (' || e.end_date || ')' END
            FROM {table} s JOIN res_episode e ON e.ref = s.episode_ref
            WHERE s.{column} < e.start_date - ({grace}) OR s.{column} > e.end_date
            ORDER BY s.line
            """  # noqa: S608 (table and column names are constants)
        ),
    )


def _contacts(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    f = "contacts.csv"
    problems = _unresolved_episode(f, "stage_contacts", broken, allowed)
    problems += _within_episode(f, "stage_contacts", "contact_date")
    problems += _scoped(f, "stage_contacts", "JOIN res_episode p ON p.ref = s.episode_ref", allowed)
    return problems


def _outcomes(allowed: list[str] | None, broken: set[str]) -> list[Problem]:
    f = "outcomes.csv"
    problems = _unresolved_episode(f, "stage_outcomes", broken, allowed)
    # A baseline form may be completed up to 30 days before treatment starts.
    problems += _within_episode(
        f, "stage_outcomes", "form_date", "CASE WHEN s.timepoint = 'baseline' THEN 30 ELSE 0 END"
    )
    problems += _scoped(f, "stage_outcomes", "JOIN res_episode p ON p.ref = s.episode_ref", allowed)
    return problems
