"""SQL building blocks the measures share: whole-day date differences, age in
years, medians (percentile_cont) and aggregating over an inner queryset."""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, FloatField, Func, IntegerField, QuerySet


class DaysBetween(Func):
    """`later - earlier` in whole days (PostgreSQL date minus date is an
    integer). Django's own DateField subtraction yields an interval."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any, **extra: Any) -> None:
        super().__init__(later, earlier, **extra)


class AgeInYears(Func):
    """Completed years between a date of birth and a date (PostgreSQL age())."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()

    def __init__(self, on: Any, born: Any, **extra: Any) -> None:
        super().__init__(on, born, **extra)


class Median(Aggregate):
    """percentile_cont(0.5): the mean of the two middle values when even."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def rows_over(inner: QuerySet, *, group: str | None, aggregates: dict[str, str]) -> list[dict]:
    """Aggregate over the rows of `inner` (a `.values()` queryset), grouped by
    its column `group` when given. `aggregates` maps an output name to an SQL
    aggregate over inner column names, e.g. {"spans": "SUM(span)"}.

    Django cannot GROUP BY over an inner aggregate or window, so this wraps
    the inner query as a derived table; the column names are our own."""
    try:
        # No ORDER BY: a model's default ordering would sort every row.
        sql, params = inner.order_by().query.sql_with_params()
    except EmptyResultSet:  # e.g. an empty list of services: no rows at all
        return []
    # The queryset's database: the replica inside nectos.db_router.replica_reads().
    connection = connections[inner.db]
    qn = connection.ops.quote_name
    cols = [f"{expr} AS {qn(name)}" for name, expr in aggregates.items()]
    if group:
        cols.insert(0, f"s.{qn(group)} AS {qn('g')}")
        tail = f" GROUP BY s.{qn(group)}"
    else:
        tail = ""
    query = f"SELECT {', '.join(cols)} FROM ({sql}) s{tail}"  # noqa: S608 (names are ours)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rows_from(inner: QuerySet, template: str) -> list[dict]:
    """Run an SQL statement of our own around the rows of `inner` (a
    `.values()` queryset), which it names `{inner}`: for what needs the rows
    more than once, e.g. `WITH k AS MATERIALIZED ({inner}) ...` to read a
    large table in one pass and aggregate the result two ways."""
    try:
        sql, params = inner.order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[inner.db].cursor() as cursor:
        cursor.execute(template.format(inner=sql), params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
