"""Rows of local values -> the CSV of a version: its fields in file order,
its date format and its national codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from reporting.ndtms.build import Row
from reporting.ndtms.reference import Reference
from reporting.returns.cells import neutralise


def cell(value: Any, fmt: str, ref: Reference) -> str:
    if value is None or value == "":
        return ""
    if fmt.startswith("code:"):
        return ref.national(fmt.removeprefix("code:"), str(value)) or ""
    if fmt == "date" and isinstance(value, dt.date):
        return value.strftime(ref.version.date_format)
    if fmt == "decimal" and isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def render_row(row: Row, ref: Reference) -> dict[str, str]:
    return {f.name: cell(row.values.get(f.source), f.format, ref) for f in ref.fields}


def extract_csv(rows: list[Row], ref: Reference) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ref.header)
    for row in rows:
        rendered = render_row(row, ref)
        writer.writerow([neutralise(rendered[name]) for name in ref.header])
    return out.getvalue()
