"""The voucher rule and the missed rule, as plain functions of a plan's
tests (domain.md, "Contingency management (CM)"). The screens, the actions
and the metrics engine all read a plan through `price`, so they agree.

As of a day T: tests are taken in order of scheduled date; a test scheduled
after T is still to come; a result dated after T is not known yet; a test
with no result by T is missed when it was scheduled before T, else pending.
A negative earns base + step x (run - 1), capped at max, run counting the
consecutive negatives up to and including it; any other result (positive,
invalid, refused, missed) earns nothing and resets the run to 0. A pending
test or one still to come neither earns nor resets."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

NEGATIVE = "negative"
MISSED = "missed"
PENDING = "pending"
TO_COME = "to_come"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Schedule:
    base: Decimal
    step: Decimal
    max: Decimal

    def value(self, run: int) -> Decimal:
        """What the run-th consecutive negative earns (run >= 1)."""
        return min(self.base + self.step * (run - 1), self.max)


class Test(Protocol):
    """What pricing reads of a test: a DrugTest, or a plain record of one."""

    @property
    def scheduled_date(self) -> dt.date: ...
    @property
    def tested_date(self) -> dt.date | None: ...
    @property
    def result(self) -> str: ...


class Voucher(Protocol):
    @property
    def issued_date(self) -> dt.date: ...
    @property
    def amount(self) -> Decimal: ...


T = TypeVar("T", bound=Test)
V = TypeVar("V", bound=Voucher)


@dataclass
class Priced(Generic[T]):
    test: T
    status: str  # a result, MISSED, PENDING or TO_COME
    run: int  # consecutive negatives up to and including this test
    earned: Decimal
    week: int | None = None  # the plan's week, set by the plan page's read


def status_as_of(scheduled: dt.date, tested: dt.date | None, result: str, as_of: dt.date) -> str:
    if scheduled > as_of:
        return TO_COME
    if result and tested is not None and tested <= as_of:
        return result
    return MISSED if scheduled < as_of else PENDING


def price(tests: Iterable[T], schedule: Schedule, as_of: dt.date) -> list[Priced[T]]:
    """Each test (anything with scheduled_date, tested_date, result) with its
    status, run and earnings as of `as_of`, in order of scheduled date."""
    ordered = sorted(tests, key=lambda t: t.scheduled_date)
    run = 0
    out = []
    for test in ordered:
        status = status_as_of(test.scheduled_date, test.tested_date, test.result, as_of)
        earned = ZERO
        if status == NEGATIVE:
            run += 1
            earned = schedule.value(run)
        elif status not in (PENDING, TO_COME):
            run = 0
        out.append(Priced(test, status, run if status == NEGATIVE else 0, earned))
    return out


def current_run(priced: Sequence[Priced]) -> int:
    """The run of negatives standing now: the last done test's run."""
    for p in reversed(priced):
        if p.status in (PENDING, TO_COME):
            continue
        return p.run
    return 0


def longest_run(priced: Sequence[Priced]) -> int:
    return max((p.run for p in priced), default=0)


def earned(priced: Sequence[Priced]) -> Decimal:
    return sum((p.earned for p in priced), ZERO)


def overdrawn(
    tests: Sequence[Test], vouchers: Sequence[V], schedule: Schedule
) -> tuple[V, Decimal, Decimal] | None:
    """The first voucher (anything with issued_date and amount) that takes
    what was issued by its date above what was earned by that date, with
    those two sums; None when the ledger never goes below zero."""
    issued = ZERO
    for voucher in sorted(vouchers, key=lambda v: (v.issued_date, v.amount)):
        issued += voucher.amount
        by_then = earned(price(tests, schedule, voucher.issued_date))
        if issued > by_then:
            return voucher, issued, by_then
    return None


def schedule_of(plan) -> Schedule:
    return Schedule(plan.voucher_base, plan.voucher_step, plan.voucher_max)


def gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def balance(tests: Sequence, vouchers: Sequence, schedule: Schedule, day: dt.date) -> Decimal:
    """Earned by `day` less issued by `day`."""
    issued = sum((v.amount for v in vouchers if v.issued_date <= day), ZERO)
    return earned(price(tests, schedule, day)) - issued
