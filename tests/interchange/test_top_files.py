"""tops.csv and client_reviews.csv: import, the all-or-nothing checks with
row-numbered messages, and an exact round trip (declined stays declined,
an empty cell stays empty)."""

import pytest

from clients.review_models import ClientReview
from interchange.exporting import export_bundle
from interchange.importing import import_bundle
from outcomes.top_models import TreatmentOutcomesProfile
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import COLUMNS, csv_text, valid_files, write_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def top_row(episode="E1", day="2026-01-12", stage="start", **cells) -> list[str]:
    row = dict.fromkeys(COLUMNS["tops.csv"], "")
    row |= {"episode_ref": episode, "top_date": day, "stage": stage}
    row |= {
        "alcohol_days": "1;0;2;0",
        "alcohol_units": "8.00",
        "crack_days": "3;3;2;4",
        "crack_spend": "40.00",
        "cocaine_days": "declined",
        "opiates_days": "0;0;0;0",
        "sharing": "no",
        "psychological_health": "8",
        "physical_health": "declined",
        "quality_of_life": "10",
    }
    row |= cells
    return [row[c] for c in COLUMNS["tops.csv"]]


def review_row(episode="E1", day="2026-01-12", **cells) -> list[str]:
    row = dict.fromkeys(COLUMNS["client_reviews.csv"], "")
    row |= {"episode_ref": episode, "review_date": day}
    row |= {
        "accommodation_need": "housing_problem",
        "employment_status": "unemployed",
        "parental_status": "some_children_live_with_client",
        "children_in_household": "2",
        "pregnant": "declined",
        "hepc_test": "tested",
        "hepc_result": "negative",
        "naloxone_issued": "yes",
    }
    row |= cells
    return [row[c] for c in COLUMNS["client_reviews.csv"]]


def files(tops=None, reviews=None) -> dict:
    out = valid_files()
    out["tops.csv"] = (
        tops
        if tops is not None
        else [
            top_row(),
            top_row("E1", "2026-07-13", "review", cocaine_days="0;0;0;0", physical_health="12"),
            top_row("E2", "2026-02-10", "start"),
            top_row("E2", "2026-05-01", "exit", other_substance="ecstasy", other_days="0;1;0;0"),
        ]
    )
    out["client_reviews.csv"] = (
        reviews
        if reviews is not None
        else [
            review_row(),
            review_row("E1", "2026-07-13", pregnant="no", hepc_result=""),
        ]
    )
    return out


def test_tops_and_reviews_import_with_declined_apart_from_empty_and_zero(tmp_path):
    report = import_bundle(write_bundle(tmp_path / "b", files()))
    assert report.ok, report.lines()
    start = TreatmentOutcomesProfile.objects.get(episode__reference="E1", stage="start")
    assert start.crack_days == [3, 3, 2, 4]
    assert start.value("cocaine_days") == "declined"
    assert start.value("amphetamines_days") is None
    assert start.opiates_days == [0, 0, 0, 0]
    assert start.value("physical_health") == "declined"
    assert start.sharing is False
    review = ClientReview.objects.get(episode__reference="E1", review_date="2026-01-12")
    assert review.value("pregnant") == "declined"
    assert review.with_children
    assert report.counts["tops.csv"].new == 4
    assert report.counts["client_reviews.csv"].new == 2


def test_the_round_trip_is_exact(tmp_path):
    given = files()
    assert import_bundle(write_bundle(tmp_path / "b", given)).ok
    out = tmp_path / "out"
    export_bundle(out)
    for name in ("tops.csv", "client_reviews.csv"):
        assert (out / name).read_text() == csv_text(name, given[name]), name
    again = import_bundle(out)
    assert again.ok, again.lines()
    assert all(c.new == 0 and c.changed == 0 for c in again.counts.values())


def test_a_changed_cell_updates_instead_of_duplicating(tmp_path):
    assert import_bundle(write_bundle(tmp_path / "a", files())).ok
    changed = files()
    changed["tops.csv"][0] = top_row(cocaine_days="0;0;1;0")
    report = import_bundle(write_bundle(tmp_path / "b", changed))
    assert report.ok
    assert report.counts["tops.csv"].changed == 1
    start = TreatmentOutcomesProfile.objects.get(episode__reference="E1", stage="start")
    assert start.cocaine_days == [0, 0, 1, 0]
    assert not start.declined or "cocaine_days" not in start.declined


BAD_TOPS = [
    (top_row(crack_days="8;0;0;0"), "crack_days", "over 7"),
    (top_row(crack_days="1;2;3"), "crack_days", "four weeks"),
    (top_row(crack_spend="-1"), "crack_spend", ""),
    (top_row(alcohol_days="0;0;0;0"), "alcohol_units", "only when"),
    (top_row(quality_of_life="21"), "quality_of_life", "out of range"),
    (top_row(sharing="maybe"), "sharing", "yes or no"),
    (top_row(other_days="1;0;0;0"), "other_substance", "name the other"),
    (top_row(other_substance="glue", other_days="1;0;0;0"), "other_substance", "unknown"),
    (top_row(stage="middle"), "stage", "unknown"),
    (top_row(day="2026-01-04"), "top_date", "before the referral"),
    (top_row("E2", "2026-05-02", "review"), "top_date", "after the episode ended"),
    (top_row("E2", "2026-05-01", "post_exit"), "top_date", "comes after the end"),
    (top_row("E1", "2026-02-01", "post_exit"), "top_date", "needs an ended episode"),
    (top_row("E9"), "episode_ref", "matches no episode"),
    (top_row(day="2999-01-01"), "top_date", "in the future"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_TOPS)
def test_a_bad_top_row_imports_nothing_and_is_named(tmp_path, row, column, reason):
    given = files(tops=[top_row("E2", "2026-02-10"), row])
    report = import_bundle(write_bundle(tmp_path / "b", given))
    assert not report.ok
    assert not TreatmentOutcomesProfile.objects.exists()
    mine = [p for p in report.problems if p.file == "tops.csv"]
    assert [(p.line, p.column) for p in mine] == [(3, column)], report.lines()
    assert reason in mine[0].reason


def test_two_start_tops_for_one_episode_are_refused(tmp_path):
    given = files(tops=[top_row(), top_row(day="2026-01-13")])
    report = import_bundle(write_bundle(tmp_path / "b", given))
    assert [(p.file, p.line, p.column) for p in report.problems] == [("tops.csv", 3, "stage")]


BAD_REVIEWS = [
    (review_row(employment_status="astronaut"), "employment_status", "unknown"),
    (review_row(children_in_household="31"), "children_in_household", "out of range"),
    (review_row(hepc_test="offered_refused"), "hepc_result", "tested"),
    (review_row(day="2026-01-04"), "review_date", "before the referral"),
    (review_row(naloxone_issued="y"), "naloxone_issued", "yes or no"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_REVIEWS)
def test_a_bad_review_row_imports_nothing_and_is_named(tmp_path, row, column, reason):
    given = files(reviews=[review_row("E2", "2026-02-10"), row])
    report = import_bundle(write_bundle(tmp_path / "b", given))
    assert not report.ok
    assert not ClientReview.objects.exists()
    mine = [p for p in report.problems if p.file == "client_reviews.csv"]
    assert [(p.line, p.column) for p in mine] == [(3, column)], report.lines()
    assert reason in mine[0].reason
