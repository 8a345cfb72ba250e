"""The small-number rule: one pure function, no database."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reporting.returns.disclosure import (
    SUPPRESSED,
    DisclosurePolicy,
    Group,
    Measure,
    RawTable,
    protect,
    publish_count,
)
from tests.dates import LITERAL_DAY

pytestmark = pytest.mark.today(LITERAL_DAY)

EXACT = DisclosurePolicy(round_to=1)


def matrix_table(matrix, *, groups=True, extra_groups=()):
    """Rows r0.. by services s0.. with a Total column and an "all" row."""
    n_rows, n_cols = len(matrix), len(matrix[0])
    columns = tuple(f"s{j}" for j in range(n_cols)) + ("total",)
    rows = [f"r{i}" for i in range(n_rows)]
    values = {}
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            values[(rows[i], f"s{j}")] = v
        values[(rows[i], "total")] = sum(row)
    for j in range(n_cols):
        values[("all", f"s{j}")] = sum(row[j] for row in matrix)
    values[("all", "total")] = sum(map(sum, matrix))
    measures = tuple(Measure(r) for r in rows) + ((Measure("all"),) if groups else ())
    table_groups = (Group("all", tuple(rows)),) if groups else ()
    return RawTable(
        columns=columns,
        measures=measures,
        values=values,
        total_column="total",
        groups=table_groups + tuple(extra_groups),
    )


def published_sums(table):
    """Every sum a reader can use: (cells, signs) that add up to 0."""
    sums = []
    parts = [c for c in table.columns if c != table.total_column]
    for m in table.measures:
        sums.append([((m.key, c), 1) for c in parts] + [((m.key, table.total_column), -1)])
    for g in table.groups:
        for c in table.columns:
            sums.append([((p, c), 1) for p in g.parts] + [((g.total, c), -1)])
    return sums


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, SUPPRESSED), (7, SUPPRESSED), (8, 10), (12, 10), (13, 15), (102, 100)],
)
def test_a_count_is_shown_by_the_rule_on_its_edges(count, shown):
    assert publish_count(count) == shown


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        publish_count(-1)


def test_the_policy_is_configurable():
    policy = DisclosurePolicy(high=4, round_to=10)
    assert publish_count(4, policy) == SUPPRESSED
    assert publish_count(5, policy) == 10
    assert publish_count(14, policy) == 10
    assert publish_count(15, policy) == 20


@pytest.mark.parametrize(("base", "shown"), [(0, None), (1, SUPPRESSED), (7, SUPPRESSED), (8, 4.5)])
def test_a_median_based_on_one_to_seven_people_is_hidden(base, shown):
    table = RawTable(
        columns=("A",),
        measures=(Measure("assessed"), Measure("median", "stat", base="assessed")),
        values={("assessed", "A"): base, ("median", "A"): 4.5 if base else None},
    )
    assert protect(table).get("median", "A") == shown


def test_percentages_are_computed_from_the_rounded_counts():
    table = RawTable(
        columns=("A",),
        measures=(
            Measure("eligible"),
            Measure("retained"),
            Measure("pct", "percent", base="eligible", numerator="retained"),
        ),
        values={("eligible", "A"): 13, ("retained", "A"): 12},
    )
    out = protect(table)
    assert (out.get("eligible", "A"), out.get("retained", "A")) == (15, 10)
    assert out.get("pct", "A") == 66.7  # 10 / 15, not 12 / 13 = 92.3


@pytest.mark.parametrize(
    ("eligible", "retained", "shown"),
    [(0, 0, None), (5, 0, SUPPRESSED), (20, 0, 0.0), (20, 3, SUPPRESSED), (20, 20, 100.0)],
)
def test_a_percentage_is_hidden_when_its_base_or_numerator_is(eligible, retained, shown):
    table = RawTable(
        columns=("A",),
        measures=(
            Measure("eligible"),
            Measure("retained"),
            Measure("pct", "percent", base="eligible", numerator="retained"),
        ),
        values={("eligible", "A"): eligible, ("retained", "A"): retained},
    )
    assert protect(table).get("pct", "A") == shown


def test_a_lone_hidden_cell_in_a_row_hides_the_next_smallest_too():
    out = protect(matrix_table([[3, 20, 30, 9]], groups=False))
    assert out.row("r0") == [SUPPRESSED, 20, 30, SUPPRESSED, 60]
    assert out.secondary == {("r0", "s3")}


def test_a_lone_hidden_cell_in_a_column_hides_the_next_smallest_too():
    out = protect(matrix_table([[3], [20], [40], [11]]))
    column = [out.get(r, "s0") for r in ("r0", "r1", "r2", "r3", "all")]
    assert column == [SUPPRESSED, 20, 40, SUPPRESSED, 75]


def test_secondary_suppression_reaches_a_fixed_point_across_rows_and_columns():
    # Hiding (r0, s1) for row r0 leaves column s1 with one hidden cell, etc.
    table = matrix_table([[2, 9, 30], [40, 50, 60], [70, 80, 90]])
    out = protect(table)
    assert len(out.secondary) >= 3
    for sum_ in published_sums(table):
        hidden = [c for c, _ in sum_ if out.cells[c] == SUPPRESSED]
        assert len(hidden) != 1, sum_


def test_zeros_stay_zero_when_a_non_zero_cell_can_be_hidden_instead():
    out = protect(matrix_table([[0, 3, 0, 50]], groups=False))
    assert out.row("r0") == [0, SUPPRESSED, 0, SUPPRESSED, 55]


def test_a_row_of_one_service_hides_its_total_with_its_only_cell():
    out = protect(matrix_table([[5], [30]]))
    assert out.get("r0", "total") == SUPPRESSED


def test_it_refuses_a_count_that_is_not_a_whole_number():
    with pytest.raises(ValueError):
        protect(matrix_table([[1.5]]))


# --- Property: nothing hidden can be worked out --------------------------

counts = st.one_of(st.integers(0, 9), st.integers(0, 60))
matrices = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=5)
)


def recoverable(table, out):
    """Hidden cells whose value follows exactly from the published ones by
    the published sums: e_i lies in the row space of the sums restricted to
    hidden cells (an independent test from the one protect() uses)."""
    sums = published_sums(table)
    hidden = sorted({c for s in sums for c, _ in s if out.cells[c] == SUPPRESSED})
    if not hidden:
        return []
    index = {c: i for i, c in enumerate(hidden)}
    a = np.array(
        [[dict(s).get(c, 0) for c in hidden] for s in sums if any(c in index for c, _ in s)],
        dtype=float,
    )
    rank = np.linalg.matrix_rank(a)
    found = []
    for c, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(c)
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices)
def test_no_row_or_column_with_a_published_total_has_exactly_one_hidden_cell(matrix):
    table = matrix_table(matrix)
    out = protect(table)
    for sum_ in published_sums(table):
        hidden = [c for c, _ in sum_ if out.cells[c] == SUPPRESSED]
        assert len(hidden) != 1, (matrix, sum_)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices)
def test_no_hidden_count_can_be_recovered_from_the_published_figures(matrix):
    table = matrix_table(matrix)
    out = protect(table)
    assert all(out.cells[c] == SUPPRESSED for c in out.primary)
    assert recoverable(table, out) == [], matrix


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices, st.data())
def test_two_breakdowns_of_the_same_total_are_protected_together(matrix, data):
    # Like referrals broken down by sex and by source: two partitions of "all".
    split = data.draw(st.integers(1, max(1, len(matrix))))
    n_cols = len(matrix[0])
    other = [
        [sum(row[j] for row in matrix[:split]) for j in range(n_cols)],
        [sum(row[j] for row in matrix[split:]) for j in range(n_cols)],
    ]
    table = matrix_table(matrix)
    values = dict(table.values)
    for i, row in enumerate(other):
        for j, v in enumerate(row):
            values[(f"x{i}", f"s{j}")] = v
        values[(f"x{i}", "total")] = sum(row)
    table = RawTable(
        columns=table.columns,
        measures=table.measures + (Measure("x0"), Measure("x1")),
        values=values,
        total_column="total",
        groups=table.groups + (Group("all", ("x0", "x1")),),
    )
    out = protect(table)
    assert recoverable(table, out) == [], matrix


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices)
def test_even_published_exactly_every_hidden_count_keeps_a_range(matrix):
    # Without rounding, and knowing counts are never negative, a reader
    # solving the published sums still finds more than one value for each
    # hidden primary cell.
    table = matrix_table(matrix)
    out = protect(table, EXACT)
    sums = published_sums(table)
    hidden = sorted({c for s in sums for c, _ in s if out.cells[c] == SUPPRESSED})
    if not hidden:
        return
    index = {c: i for i, c in enumerate(hidden)}
    a_eq, b_eq = [], []
    for s in sums:
        row = np.zeros(len(hidden))
        rhs = 0.0
        for c, sign in s:
            if c in index:
                row[index[c]] = sign
            else:
                rhs -= sign * out.cells[c]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    for c in out.primary:
        objective = np.zeros(len(hidden))
        objective[index[c]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        assert low.status == 0
        if high.status == 3:  # unbounded above: anything goes
            continue
        assert high.status == 0
        assert -high.fun - low.fun > 0.5, (matrix, c, low.fun, -high.fun)


# --- breakdowns: no zeros beside a hidden total or a lone hidden part ----------


def discharges(death: int, completed: int, dropped: int) -> RawTable:
    return RawTable(
        columns=("death", "completed", "dropped", "total"),
        measures=(Measure("discharges"),),
        values={
            ("discharges", "death"): death,
            ("discharges", "completed"): completed,
            ("discharges", "dropped"): dropped,
            ("discharges", "total"): death + completed + dropped,
        },
        total_column="total",
    )


def test_zeros_beside_a_lone_hidden_part_are_hidden_too():
    # Published as "*, 0, 0, *" it would say every discharge was a death.
    table = protect(discharges(3, 0, 0))
    assert table.row("discharges") == ["*", "*", "*", "*"]


def test_a_hidden_total_hides_its_whole_breakdown():
    table = protect(discharges(2, 0, 3))
    assert table.row("discharges") == ["*", "*", "*", "*"]


def test_a_breakdown_with_nothing_hidden_keeps_its_zeros():
    table = protect(discharges(20, 0, 15))
    assert table.row("discharges") == [20, 0, 15, 35]


def test_the_policy_text_states_the_breakdown_rule():
    from reporting.returns.disclosure import DEFAULT_POLICY

    assert "breakdown is hidden whole" in DEFAULT_POLICY.describe()
