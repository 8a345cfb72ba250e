"""XLSX and CSV: formula-like text neutralised, numbers kept as numbers."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.returns.build import build_return
from reporting.returns.cells import neutralise
from reporting.returns.quarters import Quarter
from reporting.returns.writers import csv_bytes, xlsx_bytes

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "returns"
SHEETS = ["Cover", "Measures by service", "Breakdowns"]


def hand_made_doc(service_name: str = "Service A") -> dict:
    values = [12, "*", -3.5]
    return {
        "title": "Crack and stimulant treatment: quarterly return",
        "quarter": "2026Q1",
        "quarter_label": "January to March 2026",
        "period": {"from": "2026-01-01", "to": "2026-03-31"},
        "as_of": "2026-03-31",
        "generated_at": "2026-11-27 10:00",
        "commissioner": "=cmd|' /C calc'!A0",
        "columns": [
            {"key": "A", "code": "A", "label": service_name},
            {"key": "B", "code": "B", "label": "Service B"},
            {"key": "__all__", "code": "", "label": "All services"},
        ],
        "policy": {"text": "Counts of 1 to 7 are shown as *.", "high": 7},
        "sheets": [
            {
                "key": "measures",
                "title": "Measures by service",
                "sections": [
                    {
                        "title": "Referrals",
                        "total": None,
                        "rows": [
                            {
                                "key": "referred",
                                "label": "Referrals received",
                                "kind": "count",
                                "unit": "referrals",
                                "values": [40, "*", 45],
                            },
                            {
                                "key": "change",
                                "label": "-change in days",
                                "kind": "stat",
                                "unit": "days",
                                "values": values,
                            },
                            {
                                "key": "none",
                                "label": "Median",
                                "kind": "stat",
                                "unit": "days",
                                "values": [None, None, None],
                            },
                        ],
                    }
                ],
            },
            {"key": "breakdowns", "title": "Breakdowns", "sections": []},
        ],
        "definitions": [{"measure": "Referrals received", "definition": "+1 referral"}],
        "notes": ["@SUM(A1)"],
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_could_run_as_a_formula_is_neutralised(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", [-3.5, -1, 0, 12, "plain", "a=b", None])
def test_numbers_and_harmless_text_are_left_alone(value):
    assert neutralise(value) == value


def test_the_xlsx_has_the_three_sheets_with_numbers_as_numbers():
    wb = load_workbook(io.BytesIO(xlsx_bytes(hand_made_doc())))
    assert wb.sheetnames == SHEETS
    ws = wb["Measures by service"]
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["A"].width >= 30
    assert [c.value for c in ws[3]] == [
        "Measure",
        "Unit",
        "Service A (A)",
        "Service B (B)",
        "All services",
    ]
    referred = ws[5]
    assert referred[2].value == 40 and referred[2].data_type == "n"
    assert referred[3].value == "*" and referred[3].data_type == "s"
    change = ws[6]
    # A negative number is a number cell; the label starting "-" is text.
    assert change[4].value == -3.5 and change[4].data_type == "n"
    assert change[0].value == "'-change in days"
    assert ws[7][2].value == "–"


def test_formula_like_text_is_neutralised_in_the_xlsx():
    doc = hand_made_doc(service_name='=HYPERLINK("http://evil")')
    wb = load_workbook(io.BytesIO(xlsx_bytes(doc)))
    texts = [
        cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil") (A)' in texts
    assert "'=cmd|' /C calc'!A0" in texts
    assert all(cell.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for cell in r)


def test_formula_like_text_is_neutralised_in_the_csv_and_numbers_are_not():
    doc = hand_made_doc(service_name="@evil")
    text = csv_bytes(doc).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["quarter", "sheet", "section", "measure", "unit"]
    assert rows[0][5] == "'@evil (A)"
    change = next(r for r in rows if r[3].endswith("change in days"))
    assert change[3] == "'-change in days"
    assert change[5:] == ["12", "*", "-3.5"]
    # Written bare, so a spreadsheet reads it as the number -3.5.
    assert ",-3.5\r\n" in text
    for row in rows:
        for value in row:
            try:
                float(value)
            except ValueError:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.django_db
def test_a_built_return_writes_both_formats(seeded):
    doc = build_return(services=list(seeded), quarter=Quarter(2026, 1), commissioner="Dora")
    data = xlsx_bytes(doc)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == SHEETS
    cover = wb["Cover"]
    texts = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "2026Q1" in texts and "Service A (A)" in texts and "1 to 7" in texts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "sample-return.xlsx").write_bytes(data)
    (ARTIFACTS / "sample-return.csv").write_bytes(csv_bytes(doc))
    rows = list(csv.reader(io.StringIO(csv_bytes(doc).decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Service A (A)", "Service B (B)", "All services"]
    assert len(rows) > 40
