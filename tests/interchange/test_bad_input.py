"""Every kind of bad input: the report names it, and nothing is imported.

Each bad bundle also carries good new rows (a client C3 and their
referral), so that a partial import would show in the row counts."""

import pytest
from django.core.management import CommandError, call_command

from interchange.importing import import_bundle
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import (
    csv_text,
    table_counts,
    valid_files,
    write_bundle,
    zip_bundle,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

# A contact a month from now, whatever the day the tests run.


@pytest.fixture
def loaded(bundle):
    assert import_bundle(bundle).ok
    return table_counts()


def with_new_rows() -> dict:
    files = valid_files()
    files["clients.csv"].append(["C3", "EF", "1975-05-05", "male", "A", ""])
    files["referrals.csv"].append(["R9", "C3", "A", "2026-11-01", "self", "crack"])
    return files


def refused(path, capsys) -> str:
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path))
    return capsys.readouterr().out


def set_cell(files, name, row, column, value):
    from tests.interchange.helpers import COLUMNS

    files[name][row][COLUMNS[name].index(column)] = value


CELL_CASES = [
    # (id, file, row, column, value, expected line of the report)
    ("unknown code", "referrals.csv", 0, "source", "friend",
     "referrals.csv line 2, column source: unknown source code 'friend' (expected one of"),
    ("unknown code in a list", "contacts.csv", 2, "interventions", "cbt;yoga",
     "contacts.csv line 4, column interventions: unknown interventions code 'yoga'"),
    ("not a date", "referrals.csv", 1, "referral_date", "05/02/2026",
     "referrals.csv line 3, column referral_date: '05/02/2026' is not a date (expected "
     "YYYY-MM-DD)"),
    ("not a real date", "appointments.csv", 0, "appointment_date", "2026-02-30",
     "appointments.csv line 2, column appointment_date: '2026-02-30' is not a real date"),
    ("end before start", "episodes.csv", 1, "end_date", "2026-02-01",
     "episodes.csv line 3, column end_date: the episode ends before it starts (2026-02-01 is "
     "before 2026-02-10)"),
    ("referral before birth", "referrals.csv", 0, "referral_date", "1979-12-31",
     "referrals.csv line 2, column referral_date: before the client's date of birth"),
    ("appointment before its referral", "appointments.csv", 2, "offered_date", "2026-02-01",
     "appointments.csv line 4, column offered_date: offered before the referral (2026-02-01 is "
     "before 2026-02-05)"),
    ("start before referral", "episodes.csv", 0, "start_date", "2026-01-01",
     "episodes.csv line 2, column start_date: starts before the referral (2026-01-01 is before "
     "2026-01-05)"),
    ("contact outside its episode", "contacts.csv", 3, "contact_date", "2026-06-01",
     "contacts.csv line 5, column contact_date: after the episode ended (2026-05-01)"),
    ("form before the baseline window", "outcomes.csv", 1, "form_date", "2026-01-05",
     "outcomes.csv line 3, column form_date: before the episode started (2026-01-12)"),
    ("future date", "contacts.csv", 0, "contact_date", "2026-12-31",
     "contacts.csv line 2, column contact_date: in the future (2026-12-31 is after today)"),
    ("attendance for a future appointment", "appointments.csv", 3, "attendance", "attended",
     "appointments.csv line 5, column attendance: attendance is recorded for an appointment "
     "that is still to come"),
    ("days out of range", "outcomes.csv", 0, "crack_days", "31",
     "outcomes.csv line 2, column crack_days: 31 is out of range (0 to 30)"),
    ("rating out of range", "outcomes.csv", 0, "quality_of_life", "21",
     "outcomes.csv line 2, column quality_of_life: 21 is out of range (0 to 20)"),
    ("negative money", "outcomes.csv", 0, "crack_spend_per_day", "-5",
     "outcomes.csv line 2, column crack_spend_per_day: must not be negative"),
    ("not a number", "contacts.csv", 0, "duration_minutes", "an hour",
     "contacts.csv line 2, column duration_minutes: 'an hour' is not a whole number"),
    ("duration out of range", "contacts.csv", 0, "duration_minutes", "721",
     "contacts.csv line 2, column duration_minutes: 721 is out of range (1 to 720)"),
    ("not yes or no", "outcomes.csv", 0, "crime_involved", "maybe",
     "outcomes.csv line 2, column crime_involved: 'maybe' is not yes or no"),
    ("required cell empty", "clients.csv", 0, "sex", "",
     "clients.csv line 2, column sex: required, but empty"),
    ("spend without use", "outcomes.csv", 1, "crack_days", "0",
     "outcomes.csv line 3, column crack_spend_per_day: leave it empty when crack_days is 0"),
    ("planned days outside Tier 4", "episodes.csv", 0, "planned_days", "30",
     "episodes.csv line 2, column planned_days: planned days are for Tier 4 admissions only"),
    ("unresolved reference", "contacts.csv", 1, "episode_ref", "E9",
     "contacts.csv line 3, column episode_ref: episode_ref matches no episode in episodes.csv "
     "or the database"),
    ("unresolved keyworker", "episodes.csv", 0, "keyworker", "zed",
     "episodes.csv line 2, column keyworker: keyworker 'zed' matches no username in staff.csv "
     "or the database"),
    ("keyworker from another service", "episodes.csv", 0, "keyworker", "kit",
     "episodes.csv line 2, column keyworker: keyworker 'kit' does not work in service A"),
    ("lower-case initials", "clients.csv", 0, "initials", "ab",
     "clients.csv line 2, column initials: initials are 1 to 4 capital letters"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "expected"),
    [case[1:] for case in CELL_CASES],
    ids=[case[0] for case in CELL_CASES],
)
def test_a_bad_cell_is_named_and_nothing_is_imported(
    loaded, tmp_path, capsys, file, row, column, value, expected
):
    files = with_new_rows()
    set_cell(files, file, row, column, value)
    out = refused(write_bundle(tmp_path / "bad", files), capsys)
    assert expected in out
    assert "nothing was imported" in out
    assert table_counts() == loaded


def test_identifiers_are_not_echoed_in_a_message(loaded, tmp_path, capsys):
    files = with_new_rows()
    set_cell(files, "clients.csv", 0, "date_of_birth", "1.2.1980")
    out = refused(write_bundle(tmp_path / "bad", files), capsys)
    assert "clients.csv line 2, column date_of_birth: the value is not a date" in out
    assert "1.2.1980" not in out


FILE_CASES = [
    ("unknown column",
     {"clients.csv": csv_text("clients.csv", [], header=[
         "client_ref", "initials", "date_of_birth", "sex", "ethnicity", "preferred_name",
         "shoe_size"])},
     "clients.csv line 1: header: unknown column 'shoe_size'"),
    ("missing column",
     {"clients.csv": csv_text("clients.csv", [], header=[
         "client_ref", "initials", "date_of_birth", "sex", "preferred_name"])},
     "clients.csv line 1: header: missing column ethnicity"),
    ("a column twice",
     {"services.csv": "code,name,tier,tier,open_access_drop_in,day_programme_weeks\n"},
     "services.csv line 1: header: column 'tier' appears twice"),
    ("not UTF-8",
     {"clients.csv": csv_text("clients.csv", [["C5", "ZE", "1980-01-01", "male", "A", "Zoë"]])
      .encode("latin-1")},
     "clients.csv line 2: not UTF-8 text (save it as CSV UTF-8)"),
    ("not CSV: a NUL byte",
     {"clients.csv": b"client_ref,initials\x00,date_of_birth\n"},
     "clients.csv line 1: not valid CSV"),
    ("not CSV: an unclosed quote",
     {"clients.csv": csv_text("clients.csv", []) + '"C5,ZE,1980-01-01,male,A,\n'},
     "clients.csv line 2: not valid CSV"),
    ("not CSV: a spreadsheet",
     {"clients.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb1\xa0"},
     "clients.csv line 1: not UTF-8 text"),
    ("a row of the wrong width",
     {"clients.csv": csv_text("clients.csv", [["C5", "ZE", "1980-01-01"]])},
     "clients.csv line 2: has 3 cells but the header has 6"),
    ("an empty file",
     {"clients.csv": ""},
     "clients.csv: empty: no header row"),
    ("a duplicate key",
     {"clients.csv": [["C5", "ZE", "1980-01-01", "male", "A", ""],
                      ["C5", "ZF", "1981-01-01", "male", "A", ""]]},
     "clients.csv line 3, column client_ref: the same client_ref as line 2"),
    ("a repeated contact",
     {"contacts.csv": [["E1", "2026-02-01", "keywork", "in_person", "60", "attended", "cbt"],
                       ["E1", "2026-02-01", "keywork", "in_person", "60", "attended", "cbt"]]},
     "contacts.csv line 3: repeats line 2 exactly"),
    ("a second episode for a referral",
     {"episodes.csv": [["E7", "R3", "3", "2026-10-02", "", "", "alice", ""],
                       ["E8", "R3", "3", "2026-10-03", "", "", "alice", ""]]},
     "episodes.csv line 3, column referral_ref: a referral has one episode at most, and line 2 "
     "has the same referral_ref"),
    ("an episode for a referral that has one",
     {"episodes.csv": [["E7", "R1", "3", "2026-10-02", "", "", "alice", ""]]},
     "episodes.csv line 2, column referral_ref: this referral already has another episode"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("replace", "expected"),
    [case[1:] for case in FILE_CASES],
    ids=[case[0] for case in FILE_CASES],
)
def test_a_bad_file_is_named_and_nothing_is_imported(loaded, tmp_path, capsys, replace, expected):
    files = with_new_rows()
    files.update(replace)
    out = refused(write_bundle(tmp_path / "bad", files), capsys)
    assert expected in out
    assert table_counts() == loaded


def _zip_members() -> dict[str, str]:
    return {name: csv_text(name, rows) for name, rows in with_new_rows().items()}


ZIP_CASES = [
    ("path traversal", "../clients.csv", "unexpected path '../clients.csv': path traversal"),
    ("absolute path", "/etc/clients.csv", "unexpected path '/etc/clients.csv': absolute"),
    ("nested folder", "a/b/clients.csv", "unexpected path 'a/b/clients.csv': nested folder"),
    ("unknown file", "notes.txt", "unexpected path 'notes.txt': not a bundle file"),
    ("windows path", "..\\clients.csv", "absolute or foreign path"),
]


@pytest.mark.parametrize(
    ("member", "expected"), [c[1:] for c in ZIP_CASES], ids=[c[0] for c in ZIP_CASES]
)
def test_a_zip_with_an_unexpected_path_is_refused(loaded, tmp_path, capsys, member, expected):
    members = _zip_members()
    members[member] = "client_ref\n"
    out = refused(zip_bundle(tmp_path / "bad.zip", members), capsys)
    assert expected in out
    assert table_counts() == loaded


def test_a_zip_mixing_folders_is_refused(loaded, tmp_path, capsys):
    members = {f"x/{name}": text for name, text in _zip_members().items()}
    members["y/staff.csv"] = members.pop("x/staff.csv")
    out = refused(zip_bundle(tmp_path / "bad.zip", members), capsys)
    assert "the files must sit together" in out
    assert table_counts() == loaded


def test_a_bundle_over_the_size_limit_is_refused(loaded, tmp_path, capsys, settings):
    settings.INTERCHANGE_MAX_BYTES = 1000
    out = refused(zip_bundle(tmp_path / "big.zip", _zip_members()), capsys)
    assert "bytes of CSV, over the limit of 1,000" in out
    assert table_counts() == loaded


def test_something_that_is_not_a_bundle_is_refused(loaded, tmp_path, capsys):
    path = tmp_path / "bundle.zip"
    path.write_text("not a zip")
    out = refused(path, capsys)
    assert "bundle: not a folder or a .zip file" in out
    out = refused(tmp_path / "missing", capsys)
    assert "no such file or folder" in out


def test_a_folder_with_other_files_is_refused(loaded, tmp_path, capsys):
    folder = write_bundle(tmp_path / "b", with_new_rows())
    (folder / "notes.txt").write_text("hello")
    out = refused(folder, capsys)
    assert "unexpected path 'notes.txt' in the folder" in out
    assert table_counts() == loaded


def test_every_bad_row_is_reported_not_just_the_first(loaded, tmp_path, capsys):
    files = with_new_rows()
    set_cell(files, "clients.csv", 0, "sex", "x")
    set_cell(files, "contacts.csv", 3, "mode", "x")
    set_cell(files, "outcomes.csv", 2, "physical_health", "99")
    out = refused(write_bundle(tmp_path / "bad", files), capsys)
    assert "clients.csv line 2, column sex" in out
    assert "contacts.csv line 5, column mode" in out
    assert "outcomes.csv line 4, column physical_health" in out
    assert "3 problems in 3 files" in out
