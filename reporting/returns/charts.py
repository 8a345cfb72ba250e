"""The numbers the commissioner's charts draw, read from a stored return's
published figures (never recomputed, so never less protected). A hidden
figure is a gap in the chart; the table beside it shows the `*`."""

from reporting.returns.build import return_row
from reporting.returns.disclosure import SUPPRESSED


def _plot(values: list) -> list:
    return [None if v == SUPPRESSED or v is None else v for v in values]


def chart_data(doc: dict) -> dict:
    services = [c for c in doc["columns"] if c["code"]]
    n = len(services)

    def row(key: str) -> list:
        return _plot(return_row(doc, key)[:n])

    return {
        "labels": [c["label"] for c in services],
        "funnel": {
            "Referred": row("referred"),
            "Assessed": row("assessed"),
            "Started treatment": row("started"),
        },
        "retention": {
            "Retained at day 30 (%)": row("retained_30_pct"),
            "Retained at day 90 (%)": row("retained_90_pct"),
        },
        "hidden": any(
            v == SUPPRESSED
            for key in ("referred", "assessed", "started", "retained_30_pct", "retained_90_pct")
            for v in return_row(doc, key)[:n]
        ),
    }


def _text(value, kind: str, unit: str) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == "count":
        return f"{value:,}"
    if unit == "£":
        return f"£{value:,.0f}"
    if kind == "percent":
        return f"{value:.1f}%"
    return f"{value:.1f}"


def display_sheets(doc: dict) -> list[dict]:
    """The return's sheets as the pages show them: formatted text per cell."""
    sheets = []
    for sheet in doc["sheets"]:
        sections = []
        for section in sheet["sections"]:
            rows = [
                {
                    "label": row["label"],
                    "unit": row["unit"],
                    "is_total": row["key"] == section["total"],
                    "cells": [
                        {"text": _text(v, row["kind"], row["unit"]), "hidden": v == SUPPRESSED}
                        for v in row["values"]
                    ],
                }
                for row in section["rows"]
            ]
            sections.append({"title": section["title"], "rows": rows})
        sheets.append({"title": sheet["title"], "sections": sections})
    return sheets
