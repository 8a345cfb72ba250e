"""Spreadsheet cells that cannot run as formulas (CSV/formula injection).

Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets. Such text gets a
leading apostrophe, which every one of them shows as plain text. Numbers
are left alone: a negative number is a number cell, never text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CellValue = str | int | float | Decimal | dt.date | None


def neutralise(value: CellValue) -> CellValue:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
