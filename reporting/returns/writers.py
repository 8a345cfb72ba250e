"""Write a built return (the document from build.build_return) as XLSX or CSV.

Both read only the published figures in the document; every text cell goes
through cells.neutralise, and numbers are written as numbers."""

from __future__ import annotations

import csv
import io
import math
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reporting.returns.cells import neutralise
from reporting.returns.disclosure import SUPPRESSED

NOT_APPLICABLE = "–"  # en dash: nobody to measure (never a formula start)
SHEET_COVER = "Cover"
COVER_TEXT_WIDTH = 100

NUMBER_FORMATS = {
    "percent": "0.0",
    "days": "0.0",
    "minutes": "0",
    "£": '"£"#,##0',
}
COUNT_FORMAT = "#,##0"

NAVY = "1D3B53"
PALE = "E8EEF3"
_BOLD = Font(bold=True)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor=NAVY)
_SECTION_FILL = PatternFill("solid", fgColor=PALE)
_TOP = Border(top=Side(style="thin", color=NAVY))
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right")


def _number_format(row: dict) -> str:
    if row["kind"] == "percent":
        return NUMBER_FORMATS["percent"]
    if row["kind"] == "stat":
        return NUMBER_FORMATS.get(row["unit"], "0.0")
    return COUNT_FORMAT


def _value(value: Any) -> Any:
    if value is None:
        return NOT_APPLICABLE
    return neutralise(value)


def column_heading(column: dict) -> str:
    if not column["code"]:
        return column["label"]
    return f"{column['label']} ({column['code']})"


# --- XLSX ----------------------------------------------------------------------


def _lines_needed(text: str, width: float) -> int:
    per_line = max(int(width * 1.15), 10)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _fit_row(ws: Worksheet, row: int, text: str, width: float) -> None:
    # Neither openpyxl nor every reader sizes wrapped rows: set the height.
    lines = _lines_needed(text, width)
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines + 2


def _cover(ws: Worksheet, doc: dict) -> None:
    ws.title = SHEET_COVER
    ws["A1"] = neutralise(doc["title"])
    ws["A1"].font = Font(bold=True, size=16, color=NAVY)
    services = "\n".join(str(neutralise(column_heading(c))) for c in doc["columns"] if c["code"])
    facts = [
        ("Quarter", f"{doc['quarter']} ({doc['quarter_label']})"),
        ("Period", f"{doc['period']['from']} to {doc['period']['to']}"),
        ("Figures as at", doc["as_of"]),
        ("Services", services),
        ("Commissioner", doc.get("commissioner") or "All services (command line)"),
        ("Generated at", doc["generated_at"]),
        ("Disclosure control", doc["policy"]["text"]),
        (
            "Symbols",
            f"{SUPPRESSED}  hidden to protect confidentiality (1 to {doc['policy']['high']} "
            f"people, or a figure from which a hidden one could be worked out).\n"
            f"{NOT_APPLICABLE}  nothing to measure (nobody in the group).",
        ),
    ]
    row = 3
    for label, value in facts:
        ws.cell(row, 1, label).font = _BOLD
        cell = ws.cell(row, 2, neutralise(value))
        cell.alignment = _WRAP_TOP
        ws.cell(row, 1).alignment = _WRAP_TOP
        _fit_row(ws, row, value, COVER_TEXT_WIDTH)
        row += 1
    for i, note in enumerate(doc.get("notes", [])):
        if i == 0:
            ws.cell(row, 1, "Notes").font = _BOLD
            ws.cell(row, 1).alignment = _WRAP_TOP
        ws.cell(row, 2, neutralise(note)).alignment = _WRAP_TOP
        _fit_row(ws, row, note, COVER_TEXT_WIDTH)
        row += 1
    row += 1
    ws.cell(row, 1, "Definitions").font = Font(bold=True, size=13, color=NAVY)
    row += 1
    for col, text in ((1, "Measure"), (2, "What it counts")):
        cell = ws.cell(row, col, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for item in doc["definitions"]:
        row += 1
        ws.cell(row, 1, neutralise(item["measure"])).alignment = _WRAP_TOP
        ws.cell(row, 2, neutralise(item["definition"])).alignment = _WRAP_TOP
        _fit_row(ws, row, item["definition"], COVER_TEXT_WIDTH)
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = COVER_TEXT_WIDTH
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _figures(ws: Worksheet, doc: dict, sheet: dict) -> None:
    ws.title = sheet["title"]
    columns = doc["columns"]
    last = 2 + len(columns)
    ws["A1"] = neutralise(f"{sheet['title']}: {doc['quarter']} ({doc['quarter_label']})")
    ws["A1"].font = Font(bold=True, size=14, color=NAVY)
    ws["A2"] = "Figures are protected by the disclosure rule on the Cover sheet."
    ws["A2"].font = Font(italic=True, color="555555")
    header = ["Measure", "Unit"] + [column_heading(c) for c in columns]
    for col, text in enumerate(header, start=1):
        cell = ws.cell(3, col, neutralise(text))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="left")
        if col > 2:
            cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
    ws.row_dimensions[3].height = 45
    row = 3
    for section in sheet["sections"]:
        row += 1
        for col in range(1, last + 1):
            ws.cell(row, col).fill = _SECTION_FILL
        ws.cell(row, 1, neutralise(section["title"])).font = Font(bold=True, color=NAVY)
        for line in section["rows"]:
            row += 1
            is_total = line["key"] == section.get("total")
            ws.cell(row, 1, neutralise(line["label"]))
            ws.cell(row, 2, neutralise(line["unit"]))
            fmt = _number_format(line)
            for offset, value in enumerate(line["values"]):
                cell = ws.cell(row, 3 + offset, _value(value))
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell.number_format = fmt
                else:
                    cell.alignment = _RIGHT
                if offset == len(columns) - 1:
                    cell.font = _BOLD
            if is_total:
                for col in range(1, last + 1):
                    ws.cell(row, col).border = _TOP
                    ws.cell(row, col).font = _BOLD
    ws.freeze_panes = "C4"
    width = max([len(line["label"]) for s in sheet["sections"] for line in s["rows"]] + [30])
    ws.column_dimensions["A"].width = min(width + 2, 60)
    ws.column_dimensions["B"].width = 10
    for offset, column in enumerate(columns):
        letter = get_column_letter(3 + offset)
        heading = column_heading(column)
        # Long names wrap onto two lines of the header rather than widen.
        ws.column_dimensions[letter].width = max(15, min(len(heading) // 2 + 5, 24))
    ws.page_setup.orientation = "landscape"
    # Printed: about a dozen services to a page across, the measure names
    # repeated on every page; wide returns go on A3.
    if len(columns) > 8:
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = math.ceil(len(columns) / 12)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.print_title_cols = "A:B"


def write_xlsx(doc: dict, out: IO[bytes]) -> None:
    wb = Workbook()
    _cover(wb.active, doc)
    for sheet in doc["sheets"]:
        _figures(wb.create_sheet(), doc, sheet)
    wb.properties.title = neutralise(f"{doc['title']} {doc['quarter']}")
    wb.properties.creator = "NECTOS case management"
    wb.save(out)


def xlsx_bytes(doc: dict) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(doc, buffer)
    return buffer.getvalue()


# --- CSV -----------------------------------------------------------------------

CSV_FIXED = ["quarter", "sheet", "section", "measure", "unit"]


def csv_rows(doc: dict) -> list[list[Any]]:
    """One header row, then one row per line of every section."""
    rows: list[list[Any]] = [CSV_FIXED + [column_heading(c) for c in doc["columns"]]]
    for sheet in doc["sheets"]:
        for section in sheet["sections"]:
            for line in section["rows"]:
                values = ["" if v is None else v for v in line["values"]]
                rows.append(
                    [doc["quarter"], sheet["title"], section["title"], line["label"], line["unit"]]
                    + values
                )
    return [[neutralise(v) for v in row] for row in rows]


def write_csv(doc: dict, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_rows(doc))


def csv_bytes(doc: dict) -> bytes:
    buffer = io.StringIO()
    write_csv(doc, buffer)
    # A byte-order mark so that Excel reads the £ sign as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
