"""manage.py quarterly_return writes the same return the page stores."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reporting.returns.build import build_return
from reporting.returns.quarters import Quarter
from reporting.returns.writers import csv_rows
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_it_writes_the_xlsx_of_a_commissioners_services(dora, seeded, tmp_path):
    out = tmp_path / "r.xlsx"
    stdout = io.StringIO()
    call_command(
        "quarterly_return",
        "--quarter",
        "2026Q1",
        "--commissioner",
        "dora",
        "--format",
        "xlsx",
        "--out",
        str(out),
        stdout=stdout,
    )
    assert "2 service(s)" in stdout.getvalue()
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Measures by service", "Breakdowns"]
    header = [c.value for c in wb["Measures by service"][3]]
    assert header[2:] == ["Service A (A)", "Service B (B)", "All services"]


def test_its_csv_matches_the_built_document(dora, seeded, tmp_path):
    out = tmp_path / "r.csv"
    call_command(
        "quarterly_return",
        "--quarter",
        "2026Q1",
        "--commissioner",
        "dora",
        "--format",
        "csv",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    doc = build_return(services=list(seeded), quarter=Quarter(2026, 1), commissioner="x")
    expected = [[str(v) for v in row] for row in csv_rows(doc)]
    assert rows == expected


def test_without_a_commissioner_it_covers_every_service(seeded, tmp_path):
    out = tmp_path / "r.csv"
    call_command(
        "quarterly_return",
        "--quarter",
        "2026Q1",
        "--format",
        "csv",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    assert (
        out.read_bytes()
        .decode("utf-8-sig")
        .splitlines()[0]
        .endswith("Service A (A),Service B (B),All services")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q5"], "not a quarter"),
        (["--quarter", "2026Q4"], "has not ended"),
        (["--quarter", "2026Q1", "--commissioner", "nobody"], "no user"),
        (["--quarter", "2026Q1", "--commissioner", "alice"], "commissions no service"),
    ],
)
def test_it_refuses_bad_arguments_with_a_message(alice, seeded, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("quarterly_return", *args, "--out", str(tmp_path / "x"))
