"""The voucher rule at its edges, on plain objects (no database)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace as T

from contingency import vouchers
from contingency.vouchers import Schedule, price

START = dt.date(2030, 3, 4)  # fixed and far off: these are pure functions of the dates given
DEFAULT = Schedule(Decimal("2.00"), Decimal("1.00"), Decimal("10.00"))


def series_of(*results: str) -> list:
    """One test a day from START, each result dated on its day ("" = none)."""
    return [
        T(
            scheduled_date=START + dt.timedelta(days=i),
            tested_date=START + dt.timedelta(days=i) if r else None,
            result=r,
        )
        for i, r in enumerate(results)
    ]


def earned(results, as_of=None, schedule=DEFAULT) -> list[Decimal]:
    as_of = as_of or START + dt.timedelta(days=100)
    return [p.earned for p in price(series_of(*results), schedule, as_of)]


def d(*values) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_the_first_negative_earns_the_base():
    assert earned(["negative"]) == d("2.00")


def test_each_consecutive_negative_earns_one_step_more():
    assert earned(["negative"] * 4) == d("2.00", "3.00", "4.00", "5.00")


def test_the_voucher_is_capped_at_the_maximum():
    assert earned(["negative"] * 11)[-3:] == d("10.00", "10.00", "10.00")
    assert earned(["negative"] * 9)[-1] == Decimal("10.00")  # 2 + 8 = 10 exactly


def test_a_positive_earns_nothing_and_resets_the_run():
    assert earned(["negative", "negative", "positive", "negative"]) == d("2", "3", "0", "2")


def test_invalid_and_refused_reset_the_run():
    assert earned(["negative", "negative", "invalid", "negative"]) == d("2", "3", "0", "2")
    assert earned(["negative", "negative", "refused", "negative"]) == d("2", "3", "0", "2")


def test_a_missed_test_resets_the_run():
    assert earned(["negative", "negative", "", "negative"]) == d("2", "3", "0", "2")


def test_a_late_negative_corrects_a_missed_test_and_reprices_the_later_ones():
    late = series_of("negative", "", "negative")
    late[1].result, late[1].tested_date = "negative", START + dt.timedelta(days=5)
    as_of = START + dt.timedelta(days=10)
    assert [p.earned for p in price(late, DEFAULT, as_of)] == d("2", "3", "4")
    # Before the late entry's date it was still missed.
    before = START + dt.timedelta(days=4)
    assert [p.status for p in price(late, DEFAULT, before)] == ["negative", "missed", "negative"]


def test_an_edit_to_a_past_test_reprices_every_later_test():
    series = series_of("negative", "negative", "negative", "negative")
    assert [p.earned for p in price(series, DEFAULT, START + dt.timedelta(days=9))] == d(
        "2", "3", "4", "5"
    )
    series[1].result = "positive"
    assert [p.earned for p in price(series, DEFAULT, START + dt.timedelta(days=9))] == d(
        "2", "0", "2", "3"
    )


def test_missed_starts_the_day_after_the_scheduled_day():
    [only] = series_of("")
    day = only.scheduled_date
    assert vouchers.status_as_of(day, None, "", day) == "pending"
    assert vouchers.status_as_of(day, None, "", day + dt.timedelta(days=1)) == "missed"
    assert vouchers.status_as_of(day, None, "", day - dt.timedelta(days=1)) == "to_come"


def test_a_pending_test_neither_earns_nor_resets_the_run():
    series = series_of("negative", "negative", "")
    as_of = series[2].scheduled_date
    priced = price(series, DEFAULT, as_of)
    assert vouchers.current_run(priced) == 2
    assert [p.status for p in priced] == ["negative", "negative", "pending"]


def test_a_result_dated_after_the_day_is_not_known_yet():
    series = series_of("negative")
    series[0].tested_date = START + dt.timedelta(days=3)
    assert price(series, DEFAULT, START + dt.timedelta(days=2))[0].status == "missed"
    assert price(series, DEFAULT, START + dt.timedelta(days=3))[0].status == "negative"


def test_longest_run_and_current_run():
    priced = price(
        series_of("negative", "negative", "negative", "positive", "negative"),
        DEFAULT,
        START + dt.timedelta(days=10),
    )
    assert vouchers.longest_run(priced) == 3
    assert vouchers.current_run(priced) == 1


def test_a_plan_schedule_of_its_own():
    own = Schedule(Decimal("5.00"), Decimal("2.50"), Decimal("11.00"))
    assert earned(["negative"] * 4, schedule=own) == d("5.00", "7.50", "10.00", "11.00")


def test_the_ledger_is_overdrawn_when_issued_passes_earned_by_that_day():
    series = series_of("negative", "negative")
    ok = [T(issued_date=START + dt.timedelta(days=1), amount=Decimal("5.00"))]
    assert vouchers.overdrawn(series, ok, DEFAULT) is None
    early = [T(issued_date=START, amount=Decimal("5.00"))]
    assert vouchers.overdrawn(series, early, DEFAULT)[1:] == (Decimal("5.00"), Decimal("2.00"))
