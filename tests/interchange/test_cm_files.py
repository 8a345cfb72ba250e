"""cm_plans.csv, drug_tests.csv and vouchers_issued.csv: import, the rules
with row-numbered messages, all or nothing, and the exact round trip."""

from decimal import Decimal

import pytest

from contingency.models import CMPlan, DrugTest, VoucherIssue
from interchange.exporting import export_bundle
from interchange.importing import import_bundle
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import valid_files, write_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

CM = {
    "cm_plans.csv": [
        ["E1", "2026-01-19", "12", "2.00", "1.00", "10.00"],
        ["E2", "2026-02-16", "8", "3.00", "0.50", "6.00"],
    ],
    "drug_tests.csv": [
        ["E1", "2026-01-19", "2026-01-19", "urine", "negative", ""],
        ["E1", "2026-01-21", "2026-01-21", "urine", "negative", ""],
        ["E1", "2026-01-23", "2026-01-24", "oral_fluid", "positive", "cocaine;crack"],
        ["E1", "2026-01-26", "", "", "", ""],
        ["E1", "2026-01-28", "2026-01-28", "urine", "negative", ""],
        ["E2", "2026-02-16", "2026-02-16", "urine", "refused", ""],
        ["E2", "2030-01-07", "", "", "", ""],
    ],
    "vouchers_issued.csv": [
        ["E1", "2026-01-21", "5.00"],
        ["E1", "2026-02-01", "2.00"],
    ],
}


def cm_bundle(tmp_path, **changes):
    files = valid_files()
    for name, rows in CM.items():
        files[name] = [list(r) for r in changes.get(name, rows)]
    return write_bundle(tmp_path / "bundle", files)


def test_the_cm_files_import_with_the_tests_they_give(tmp_path):
    report = import_bundle(cm_bundle(tmp_path))
    assert report.ok, report.lines()
    plan = CMPlan.objects.get(episode__reference="E1")
    assert plan.tests.count() == 5  # no generated schedule
    assert plan.tests.get(scheduled_date="2026-01-23").substances_positive == ["cocaine", "crack"]
    assert VoucherIssue.objects.filter(plan=plan).count() == 2
    assert CMPlan.objects.get(episode__reference="E2").voucher_step == Decimal("0.50")


def test_an_exported_bundle_imports_back_identically(tmp_path):
    assert import_bundle(cm_bundle(tmp_path)).ok
    first = tmp_path / "first"
    export_bundle(first)
    for name, rows in CM.items():
        lines = (first / name).read_text().splitlines()
        assert len(lines) == len(rows) + 1, name
    DrugTest.objects.all().delete()
    VoucherIssue.objects.all().delete()
    CMPlan.objects.all().delete()
    assert import_bundle(first).ok
    second = tmp_path / "second"
    export_bundle(second)
    for name in CM:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    again = import_bundle(second)
    assert all(c.new == 0 and c.changed == 0 for name, c in again.counts.items() if name in CM)


def test_a_voucher_beyond_the_balance_is_an_error_on_its_line(tmp_path):
    vouchers = [["E1", "2026-01-21", "5.00"], ["E1", "2026-01-22", "0.50"]]
    report = import_bundle(cm_bundle(tmp_path, **{"vouchers_issued.csv": vouchers}))
    assert not report.ok
    [problem] = [p for p in report.problems if p.file == "vouchers_issued.csv"]
    assert (problem.line, problem.column) == (3, "amount")
    assert "beyond the balance" in problem.reason
    assert not CMPlan.objects.exists() and not DrugTest.objects.exists()


def test_bad_rows_are_named_and_nothing_is_imported(tmp_path):
    tests = [
        ["E1", "2026-01-19", "", "urine", "negative", ""],  # no test date
        ["E1", "2026-01-21", "2026-01-21", "urine", "negative", "crack"],  # not positive
        ["E1", "2026-01-23", "2026-01-23", "urine", "positive", ""],  # no substances
        ["E9", "2026-01-26", "", "", "", ""],  # no such episode
        ["E1", "2026-01-01", "", "", "", ""],  # before the plan
        ["E1", "2026-01-28", "2026-01-28", "blood", "negative", ""],  # unknown sample
    ]
    plans = [["E1", "2026-01-19", "12", "5.00", "1.00", "4.00"]]  # max below base
    report = import_bundle(
        cm_bundle(
            tmp_path, **{"drug_tests.csv": tests, "cm_plans.csv": plans, "vouchers_issued.csv": []}
        )  # fmt: skip
    )
    where = {(p.file, p.line, p.column) for p in report.problems}
    assert ("drug_tests.csv", 2, "tested_date") in where
    assert ("drug_tests.csv", 3, "substances_positive") in where
    assert ("drug_tests.csv", 4, "substances_positive") in where
    assert ("drug_tests.csv", 5, "episode_ref") in where
    assert ("drug_tests.csv", 6, "scheduled_date") in where
    assert ("drug_tests.csv", 7, "sample") in where
    assert ("cm_plans.csv", 2, "voucher_max") in where
    assert not report.imported
    assert not CMPlan.objects.exists()


def test_a_plan_on_a_tier_2_episode_is_refused(tmp_path):
    files = valid_files()
    files["services.csv"].append(["C", "Service C", "2", "yes", ""])
    files["staff.csv"].append(["cat", "Cat", "", "keyworker", "C"])
    files["referrals.csv"].append(["R9", "C2", "C", "2026-03-01", "self", "crack"])
    files["episodes.csv"].append(["E9", "R9", "2", "2026-03-02", "", "", "cat", ""])
    files["cm_plans.csv"] = [["E9", "2026-03-02", "12", "2.00", "1.00", "10.00"]]
    report = import_bundle(write_bundle(tmp_path / "b", files))
    assert any(
        p.file == "cm_plans.csv" and p.line == 2 and "Tier 3 and 4" in p.reason
        for p in report.problems
    )


def test_the_demo_gives_plans_to_a_share_of_crack_clients_and_those_who_stay_do_better(tmp_path):
    import csv

    from interchange.generate import write_demo_bundle

    write_demo_bundle(tmp_path / "demo", seed=2)

    def rows(name):
        with open(tmp_path / "demo" / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    crack = {r["referral_ref"] for r in rows("referrals.csv") if r["primary_substance"] == "crack"}
    episodes = {r["episode_ref"]: r for r in rows("episodes.csv")}
    plans = rows("cm_plans.csv")
    assert len(plans) > 20
    assert all(episodes[p["episode_ref"]]["referral_ref"] in crack for p in plans)
    assert all(episodes[p["episode_ref"]]["tier"] in ("3", "4") for p in plans)

    def stayed(ref):
        e = episodes[ref]
        return not e["end_date"] or e["discharge_reason"].startswith("completed")

    done = {True: [0, 0], False: [0, 0]}
    for t in rows("drug_tests.csv"):
        if t["result"]:
            side = done[stayed(t["episode_ref"])]
            side[0] += t["result"] == "negative"
            side[1] += 1
    assert done[True][1] and done[False][1]
    assert done[True][0] / done[True][1] > done[False][0] / done[False][1] + 0.1


def test_an_episode_with_two_plans_keeps_one_open(tmp_path):
    plans = [
        ["E1", "2026-01-19", "2", "2.00", "1.00", "10.00"],
        ["E1", "2026-03-02", "12", "2.00", "1.00", "10.00"],
    ]
    tests = [
        ["E1", "2026-01-19", "2026-01-19", "urine", "negative", ""],
        ["E1", "2026-03-02", "2026-03-02", "urine", "negative", ""],
    ]
    report = import_bundle(
        cm_bundle(
            tmp_path, **{"cm_plans.csv": plans, "drug_tests.csv": tests, "vouchers_issued.csv": []}
        )  # fmt: skip
    )
    assert report.ok, report.lines()
    first, second = CMPlan.objects.filter(episode__reference="E1").order_by("start_date")
    assert str(first.closed_on) == "2026-03-01" and second.closed_on is None
    assert [t.plan_id for t in DrugTest.objects.order_by("scheduled_date")] == [
        first.pk,
        second.pk,
    ]


def test_a_manager_imports_cm_rows_of_their_own_services_only(tmp_path):
    from interchange.importing import ImportScope

    assert import_bundle(cm_bundle(tmp_path)).ok
    rows = {
        "cm_plans.csv": [],
        "drug_tests.csv": [["E2", "2026-02-18", "2026-02-18", "urine", "negative", ""]],
        "vouchers_issued.csv": [],
    }
    folder = write_bundle(tmp_path / "b", rows)
    report = import_bundle(folder, scope=ImportScope(frozenset({"A"})))
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("drug_tests.csv", 2, "episode_ref")
    ]
    assert "service you do not manage" in report.problems[0].reason
