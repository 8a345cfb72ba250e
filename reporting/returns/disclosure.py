"""Disclosure control for anything a commissioner sees: one pure function.

`protect(table, policy)` takes a table of raw figures (no database, no
Django) and returns what may be published:

- a count of 0 shows as 0, a count of 1 to `policy.high` as `*`, any other
  count rounded to the nearest `policy.round_to`;
- a median or mean based on 1 to `policy.high` people shows as `*`;
- a percentage is computed from the rounded counts, and shows as `*` when
  its numerator or denominator does, or its base is 1 to `policy.high`;
- a breakdown (the parts of a sum) is hidden whole when its total is
  hidden, or when it holds a hidden cell and at most one part is non-zero
  (zeros beside a "*" would say every case was that one);
- secondary suppression: wherever a published total and the other
  published members of its sum would give a suppressed cell away, more
  cells are suppressed, smallest first, until no suppressed count can be
  worked out exactly from what is published (checked by linear algebra,
  taking every published figure as exact, which is stricter than the
  rounding requires).

The table knows which counts add up to which: every count row adds up
across the columns to `total_column`, and each `Group` says that some rows
add up to another row in every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.linalg import null_space

SUPPRESSED = "*"

Kind = Literal["count", "stat", "percent"]
Cell = tuple[str, str]  # (measure key, column key)
Published = int | float | str | None


@dataclass(frozen=True)
class DisclosurePolicy:
    """The small-number rule. The defaults are the commissioner issue's."""

    low: int = 1
    high: int = 7
    round_to: int = 5
    secondary: bool = True
    percent_places: int = 1
    stat_places: int = 1

    def describe(self) -> str:
        rounding = (
            f"other counts are rounded to the nearest {self.round_to}"
            if self.round_to > 1
            else "other counts are shown exactly"
        )
        return (
            f"Counts of 0 are shown as 0; counts of {self.low} to {self.high} are shown as "
            f"{SUPPRESSED}; {rounding}. Medians, means and percentages based on {self.low} to "
            f"{self.high} people are shown as {SUPPRESSED}. Percentages are worked out from the "
            f"rounded counts. Where a total and the other figures in its row or column would let "
            f"a hidden figure be worked out, the next smallest figure is hidden too. A "
            f"breakdown is hidden whole when its total is hidden, or when it has a hidden "
            f"figure and at most one of its figures is not 0."
        )


DEFAULT_POLICY = DisclosurePolicy()


@dataclass(frozen=True)
class Measure:
    """One row. A `stat` names the count of people it is `base`d on; a
    `percent` names its `numerator` and its `base` (denominator) counts."""

    key: str
    kind: Kind = "count"
    base: str | None = None
    numerator: str | None = None


@dataclass(frozen=True)
class Group:
    """The `parts` rows add up to the `total` row in every column."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    columns: tuple[str, ...]
    measures: tuple[Measure, ...]
    # Raw figures; a percent row needs none (it is worked out here).
    values: Mapping[Cell, int | float | None]
    # The column every count row adds up to, or None when there is none.
    total_column: str | None = None
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class ProtectedTable:
    columns: tuple[str, ...]
    measures: tuple[Measure, ...]
    cells: dict[Cell, Published]
    # For tests and the audit trail only; never shown to a commissioner.
    primary: frozenset[Cell] = field(default_factory=frozenset)
    secondary: frozenset[Cell] = field(default_factory=frozenset)

    def get(self, measure: str, column: str) -> Published:
        return self.cells[(measure, column)]

    def row(self, measure: str) -> list[Published]:
        return [self.cells[(measure, c)] for c in self.columns]


def round_count(n: int, policy: DisclosurePolicy = DEFAULT_POLICY) -> int:
    """Nearest multiple of `round_to`, halves upwards."""
    step = policy.round_to
    if step <= 1:
        return n
    return (n + step // 2) // step * step


def is_small(n: int | None, policy: DisclosurePolicy = DEFAULT_POLICY) -> bool:
    return n is not None and policy.low <= n <= policy.high


def publish_count(n: int, policy: DisclosurePolicy = DEFAULT_POLICY) -> int | str:
    """The primary rule for one count, without any secondary suppression."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    if n == 0:
        return 0
    if is_small(n, policy):
        return SUPPRESSED
    return round_count(n, policy)


Equation = list[tuple[Cell, int]]


def _equations(table: RawTable, counts: set[Cell]) -> list[Equation]:
    """Every published sum, as members with signs that add up to zero."""
    equations: list[Equation] = []
    by_key = {m.key: m for m in table.measures}
    if table.total_column is not None:
        parts = [c for c in table.columns if c != table.total_column]
        for m in table.measures:
            if m.kind == "count":
                equations.append(
                    [((m.key, c), 1) for c in parts] + [((m.key, table.total_column), -1)]
                )
    for group in table.groups:
        for key in (group.total, *group.parts):
            if by_key.get(key) is None or by_key[key].kind != "count":
                raise ValueError(f"group member {key!r} is not a count row")
        for c in table.columns:
            equations.append([((p, c), 1) for p in group.parts] + [((group.total, c), -1)])
    for eq in equations:
        for cell, _ in eq:
            if cell not in counts:
                raise ValueError(f"no count for {cell!r}")
    return equations


def _pick(candidates: Iterable[Cell], raw: Mapping[Cell, int], order: Mapping[Cell, int]) -> Cell:
    # The smallest non-zero count first: hiding a 0 protects little, and
    # "0 shows as 0" is worth keeping where it can be kept.
    return min(candidates, key=lambda c: (raw[c] == 0, raw[c], order[c]))


def _line_rule(
    equations: Sequence[Equation],
    hidden: set[Cell],
    raw: Mapping[Cell, int],
    order: Mapping[Cell, int],
) -> None:
    """No sum may have exactly one hidden member: hide the next smallest."""
    changed = True
    while changed:
        changed = False
        for eq in equations:
            members = [cell for cell, _ in eq]
            shown = [c for c in members if c not in hidden]
            if len(members) - len(shown) == 1 and shown:
                hidden.add(_pick(shown, raw, order))
                changed = True


def determined_cells(equations: Sequence[Equation], hidden: set[Cell]) -> list[Cell]:
    """Hidden cells whose exact value follows from the published ones.

    With the published values as constants, a hidden cell is determined
    exactly when no solution of the homogeneous system moves it, i.e. its
    row of the null-space basis is zero."""
    unknowns = sorted({cell for eq in equations for cell, _ in eq if cell in hidden})
    if not unknowns:
        return []
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for eq in equations:
        row = np.zeros(len(unknowns))
        for cell, sign in eq:
            if cell in index:
                row[index[cell]] = sign
        if row.any():
            rows.append(row)
    basis = null_space(np.array(rows))
    if basis.size == 0:
        return list(unknowns)
    weight = np.abs(basis).max(axis=1)
    return [cell for cell, w in zip(unknowns, weight, strict=True) if w < 1e-9]


def _breakdown_rule(
    equations: Sequence[Equation], hidden: set[Cell], raw: Mapping[Cell, int]
) -> None:
    """A breakdown (the parts of a sum) is hidden whole when its total is
    hidden, or when it holds a hidden cell and at most one of its parts is
    non-zero: published zeros beside "*" say "all of them were that one"
    ("*, 0, 0, *": every discharge was a death)."""
    changed = True
    while changed:
        changed = False
        for eq in equations:
            total = next(cell for cell, sign in eq if sign == -1)
            parts = [cell for cell, sign in eq if sign == 1]
            members = [*parts, total]
            if not any(c in hidden for c in members):
                continue
            nonzero = [c for c in parts if raw[c] != 0]
            if total in hidden or len(nonzero) <= 1:
                new = [c for c in members if c not in hidden]
                if new:
                    hidden.update(new)
                    changed = True


def _secondary(
    equations: Sequence[Equation],
    hidden: set[Cell],
    raw: Mapping[Cell, int],
    order: Mapping[Cell, int],
) -> None:
    while True:
        _breakdown_rule(equations, hidden, raw)
        _line_rule(equations, hidden, raw, order)
        exposed = determined_cells(equations, hidden)
        if not exposed:
            return
        cell = exposed[0]
        # Hide the smallest shown member of any sum the exposed cell is in;
        # failing that, of any sum that touches a hidden cell.
        near = [c for eq in equations if cell in dict(eq) for c, _ in eq if c not in hidden]
        if not near:
            near = [
                c
                for eq in equations
                if any(m in hidden for m, _ in eq)
                for c, _ in eq
                if c not in hidden
            ]
        if not near:  # everything in every sum is hidden: nothing left to give away
            return
        hidden.add(_pick(near, raw, order))


def _round_stat(value: float | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def protect(table: RawTable, policy: DisclosurePolicy = DEFAULT_POLICY) -> ProtectedTable:
    """Apply the small-number rule and secondary suppression to a table."""
    order: dict[Cell, int] = {}
    raw: dict[Cell, int] = {}
    for m in table.measures:
        if m.kind != "count":
            continue
        for c in table.columns:
            value = table.values.get((m.key, c))
            if value is None:
                value = 0
            if int(value) != value or value < 0:
                raise ValueError(f"count {(m.key, c)!r} must be a whole number, got {value!r}")
            raw[(m.key, c)] = int(value)
            order[(m.key, c)] = len(order)

    primary = {cell for cell, n in raw.items() if is_small(n, policy)}
    hidden = set(primary)
    if policy.secondary:
        _secondary(_equations(table, set(raw)), hidden, raw, order)

    cells: dict[Cell, Published] = {}
    for cell, n in raw.items():
        cells[cell] = SUPPRESSED if cell in hidden else round_count(n, policy)

    for m in table.measures:
        for c in table.columns:
            cell = (m.key, c)
            if m.kind == "stat":
                base = raw.get((m.base, c)) if m.base else None
                value = table.values.get(cell)
                if value is None or base == 0:
                    cells[cell] = None
                elif base is None or is_small(base, policy):
                    # A figure that names no base is treated as small.
                    cells[cell] = SUPPRESSED
                else:
                    cells[cell] = _round_stat(value, policy.stat_places)
            elif m.kind == "percent":
                num = cells.get((m.numerator, c)) if m.numerator else None
                den = cells.get((m.base, c)) if m.base else None
                base = raw.get((m.base, c)) if m.base else None
                if base is None or base == 0:
                    cells[cell] = None
                elif num == SUPPRESSED or den == SUPPRESSED or is_small(base, policy):
                    cells[cell] = SUPPRESSED
                elif isinstance(num, int) and isinstance(den, int) and den > 0:
                    cells[cell] = round(100 * num / den, policy.percent_places)
                else:
                    cells[cell] = None
    return ProtectedTable(
        columns=table.columns,
        measures=table.measures,
        cells=cells,
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )
