"""A small valid bundle (two services A and B, as in the personas), and
helpers to write, mangle, zip and count (a conftest holds fixtures only)."""

import csv
import io
import zipfile
from pathlib import Path

from django.db import connection

from interchange.resources import RESOURCES

COLUMNS = {r.file_name: r().columns for r in RESOURCES}


# file -> rows (header excluded); every value a string as in a CSV.
VALID = {
    "services.csv": [["A", "Service A", "3", "yes", ""], ["B", "Service B", "4", "no", ""]],
    "staff.csv": [
        ["alice", "Alice Keyworker", "alice@example.invalid", "keyworker", "A"],
        ["bob", "Bob Manager", "", "manager", "A"],
        ["kit", "Kit Keyworker", "", "keyworker", "B"],
    ],
    "clients.csv": [
        ["C1", "AB", "1980-01-02", "male", "A", ""],
        ["C2", "CD", "1990-03-04", "female", "N", "Cee"],
    ],
    "referrals.csv": [
        ["R1", "C1", "A", "2026-01-05", "self", "crack"],
        ["R2", "C2", "B", "2026-02-05", "gp", "crack"],
        ["R3", "C1", "A", "2026-10-01", "probation", "cocaine"],
    ],
    "appointments.csv": [
        ["R1", "2026-01-05", "2026-01-08", "dna"],
        ["R1", "2026-01-08", "2026-01-12", "attended"],
        ["R2", "2026-02-05", "2026-02-09", "attended"],
        ["R3", "2026-10-01", "2026-12-12", ""],
    ],
    "episodes.csv": [
        ["E1", "R1", "3", "2026-01-12", "", "", "alice", ""],
        ["E2", "R2", "4", "2026-02-10", "2026-05-01", "completed_drug_free", "kit", "84"],
    ],
    "contacts.csv": [
        ["E1", "2026-01-12", "keywork", "in_person", "60", "attended", "motivational_interviewing"],
        ["E1", "2026-01-16", "keywork", "telephone", "", "dna", ""],
        ["E1", "2026-01-16", "group", "in_person", "90", "attended", "peer_support;cbt"],
        ["E2", "2026-02-10", "keywork", "in_person", "45", "attended", ""],
    ],
    "outcomes.csv": [
        [
            "E1",
            "baseline",
            "2026-01-12",
            "keyworker",
            "10",
            "60",
            "0",
            "2",
            "5",
            "0",
            "yes",
            "8",
            "7",
            "6",
        ],
        [
            "E1",
            "day30",
            "2026-02-11",
            "keyworker",
            "2",
            "40.50",
            "0",
            "0",
            "3",
            "0",
            "no",
            "12",
            "11",
            "10",
        ],
        [
            "E2",
            "baseline",
            "2026-02-01",
            "client",
            "25",
            "100",
            "0",
            "0",
            "0",
            "0",
            "yes",
            "5",
            "5",
            "5",
        ],
    ],  # fmt: skip
}


def csv_text(file_name: str, rows: list[list[str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header if header is not None else COLUMNS[file_name])
    writer.writerows(rows)
    return out.getvalue()


def write_bundle(folder: Path, files: dict[str, list[list[str]] | str | bytes]) -> Path:
    """Write files (rows, or raw text/bytes) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            (folder / name).write_text(csv_text(name, content), encoding="utf-8")
    return folder


def zip_bundle(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def valid_files() -> dict[str, list[list[str]]]:
    return {name: [list(row) for row in rows] for name, rows in VALID.items()}


TABLES = [
    "services_service",
    "services_user",
    "services_membership",
    "clients_client",
    "clients_referral",
    "clients_appointment",
    "keywork_episode",
    "keywork_contact",
    "keywork_contactintervention",
    "outcomes_outcomeform",
    "clients_clientevent",
    "keywork_contactevent",
    "outcomes_outcomeformevent",
]


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (constant names)
            counts[table] = cursor.fetchone()[0]
    return counts
