"""bench/run_all.py imports without Django or a database, reads what the
bench scripts print, and formats its table (the benchmarks themselves need
the national data set and are run by `make bench`, not by the tests)."""

from pathlib import Path

import pytest

from tests.bench.helpers import bench_module


@pytest.fixture(scope="module")
def run_all():
    return bench_module("run_all.py", "bench_run_all")


def test_it_names_a_script_that_exists_for_every_measure(run_all):
    args = run_all.argparse.Namespace(runs=2, quick=False, service="N001")
    for measure in run_all.MEASURES:
        for command in measure.command(args):
            assert Path(command[1]).exists(), command


def test_the_table_shows_every_row_with_its_verdict(run_all):
    rows = [
        run_all.Row("caseload page", "p95 < 150 ms", "ms p95", 41.5, 38.25, 60.0, 3, True),
        run_all.Row("import", ">= 5,000 rows/s", "rows/s", 4200, 4000, 4400, 3, False, "slow"),
        run_all.Row("export", "", notes="the script failed"),
    ]
    table = run_all.format_table(rows).splitlines()
    assert table[0].startswith("| measure")
    assert set(table[1]) <= {"|", "-"}
    assert "41.5 ms p95" in table[2] and "| met " in table[2]
    assert "4,200 rows/s" in table[3] and "**NOT met**" in table[3] and "slow" in table[3]
    assert "**no result**" in table[4]
    assert len({len(line) for line in table}) == 1  # padded: reads as plain text too


def test_it_reads_the_result_line_of_a_script(run_all):
    output = 'warming up\nRESULT {"measure": "m", "target": "t", "median": 2.0, "met": true}\n'
    row = run_all.row_from_result(run_all.parse_result(output))
    assert (row.measure, row.median, row.met) == ("m", 2.0, True)
    assert run_all.parse_result("no result here") is None


def test_it_reads_the_metrics_scripts_timing_lines(run_all):
    output = (
        "reporting.metrics.measures median    183.0 ms   min    155.0   max    242.0   (15 runs)\n"
        "hand-written SQL median    216.0 ms   min    129.0   max    234.0   (15 runs)\n"
        "ratio (median ours / median SQL): 0.85\n"
        "same figures: yes\n"
    )
    row = run_all.metrics_row("one quarter", 300, output)
    assert (row.median, row.low, row.high, row.runs, row.met) == (183.0, 155.0, 242.0, 15, True)
    assert "ratio 0.85" in row.notes
    slow = output.replace("183.0 ms", "950.0 ms").replace("0.85", "4.40")
    assert run_all.metrics_row("one quarter", 300, slow).met is False


def test_it_writes_its_section_into_the_document_and_keeps_the_rest(run_all, tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nIntro.\n\n{run_all.START}\nold\n{run_all.END}\n\nNotes.\n")
    monkeypatch.setattr(run_all, "DOC", doc)
    run_all.write_doc(f"{run_all.START}\nnew table\n{run_all.END}")
    text = doc.read_text()
    assert "new table" in text and "old" not in text
    assert text.startswith("# Benchmarks\n\nIntro.") and text.rstrip().endswith("Notes.")


def test_a_partial_run_replaces_its_rows_and_keeps_the_others(run_all, tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    monkeypatch.setattr(run_all, "DOC", doc)
    began = run_all.dt.datetime(2026, 11, 27, 22, 0, tzinfo=run_all.dt.UTC)
    info = {"machine": run_all.machine(), "dataset": "tiny", "args": "defaults"}
    first = [
        run_all.Row(
            "caseload", "t", "ms", 90, 80, 99, 3, False, "a -- b", "caseload", "2026-11-27 22:00"
        ),
        run_all.Row("queries", "t", "", 12, 7, 25, 16, True, "", "queries", "2026-11-27 22:00"),
    ]
    run_all.write_doc(run_all.results_section(first, began=began, info=info, load=[1.0]))
    kept = run_all.previous_rows(doc.read_text())
    assert kept == first  # through the JSON in the document, "--" and all
    later = began + run_all.dt.timedelta(hours=1)
    again = [
        run_all.Row("queries", "t", "", 11, 7, 25, 16, True, "", "queries", "2026-11-27 23:00")
    ]
    rows = run_all.merged(again, kept)
    assert [(r.key, r.median) for r in rows] == [("caseload", 90), ("queries", 11)]
    run_all.write_doc(run_all.results_section(rows, began=later, info=info, load=[1.0]))
    text = doc.read_text()
    assert "measured 2026-11-27 22:00" in text  # the older row says when
    assert text.count(run_all.START) == 1


def test_a_table_written_without_its_json_is_read_back(run_all):
    rows = [
        run_all.Row("caseload page (40)", "p95 < 150 ms", "ms p95", 6974.3, 5510, 7695, 3, False,
                    "238 requests", "caseload", "2026-11-27 22:11"),
        run_all.Row("queries per page at 10", "same", "queries", 13, 7, 25, 16, True, "",
                    "queries", "2026-11-27 22:11"),
    ]  # fmt: skip
    text = (
        f"{run_all.START}\nRun on 2026-11-27 22:11 UTC by x.\n\n"
        f"{run_all.format_table(rows, '2026-11-27 22:11')}\n{run_all.END}\n"
    )
    back = run_all.previous_rows(text)
    assert [(r.key, r.median, r.runs, r.met, r.when) for r in back] == [
        ("caseload", 6974.0, 3, False, "2026-11-27 22:11"),
        ("queries", 13.0, 16, True, "2026-11-27 22:11"),
    ]


def test_a_script_that_prints_several_results_gives_a_row_for_each(run_all):
    output = (
        "plain table: median 2 ms\n"
        'RESULT {"measure": "Python CPU a page: caseload, in-process", "target": "t",'
        ' "median": 18.9, "met": false}\n'
        'RESULT {"measure": "Python CPU a page: waiting list, in-process", "target": "t",'
        ' "median": 9.5, "met": true}\n'
    )
    rows = run_all._all_results([output], None)
    assert [(r.measure.split(": ")[1], r.median, r.met) for r in rows] == [
        ("caseload, in-process", 18.9, False),
        ("waiting list, in-process", 9.5, True),
    ]
    # Read back from a table alone, they are the page_cpu measure's rows,
    # not the caseload page's.
    text = f"{run_all.START}\n{run_all.format_table(rows)}\n{run_all.END}\n"
    assert {r.key for r in run_all.previous_rows(text)} == {"page_cpu"}
