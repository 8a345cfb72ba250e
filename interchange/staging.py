"""Staging tables and bulk SQL for the import.

Every cleaned row goes into a temporary table (COPY, in batches), so the
cross-row checks and the writes are set-based SQL whatever the bundle's
size, and the Python process holds one batch at a time."""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

from interchange.resources import BundleResource

BATCH_ROWS = 5000


def stage_table(resource: BundleResource) -> str:
    return "stage_" + resource.file_name.removesuffix(".csv")


def create_stage(resource: BundleResource) -> str:
    table = stage_table(resource)
    columns = ", ".join(
        f'"{name}" {field.widget.sql_type}' for name, field in resource.fields.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        cursor.execute(
            f'CREATE TEMP TABLE "{table}" (line integer PRIMARY KEY, bad boolean NOT NULL, '
            f"{columns}) ON COMMIT DROP"
        )
    return table


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date | int | Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return _copy_text("{" + ",".join(_array_item(v) for v in value) + "}")
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _array_item(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class StageWriter:
    """Buffers rows and COPYs them into a staging table every BATCH_ROWS."""

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = ["line", "bad", *columns]
        self.buffer = io.StringIO()
        self.pending = 0

    def add(self, line: int, bad: bool, values: Iterable[Any]) -> None:
        self.buffer.write(
            "\t".join([str(line), "t" if bad else "f", *(_copy_text(v) for v in values)]) + "\n"
        )
        self.pending += 1
        if self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f'COPY "{self.table}" ({cols}) FROM STDIN', self.buffer)
        self.buffer = io.StringIO()
        self.pending = 0


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_select(
    model: type[models.Model],
    given: dict[str, str],
    from_sql: str,
    params: Sequence[Any] = (),
) -> int:
    """INSERT INTO model's table SELECT ... FROM from_sql, with `given`
    mapping column names to SQL expressions. Every other concrete column
    gets its default the way Model.save would: auto_now stamps get now(),
    UUID keys a random UUID, constant defaults their value and nullable
    columns NULL. A column with no way to fill it is a programming error,
    caught by the tests when another app adds one."""
    columns: list[str] = []
    exprs: list[str] = []
    defaults: list[Any] = []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in given:
            columns.append(column)
            exprs.append(given[column])
            continue
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns.append(column)
            exprs.append("now()")
        elif isinstance(field, models.UUIDField) and callable(field.default):
            columns.append(column)
            exprs.append("gen_random_uuid()")
        elif field.has_default() and not (callable(field.default) and field.unique):
            columns.append(column)
            exprs.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            continue
        elif field.blank and field.empty_strings_allowed:
            columns.append(column)
            exprs.append("%s")
            defaults.append("")
        else:
            raise ImproperlyConfigured(
                f"{model.__name__}.{field.name} has no default: the import cannot fill it"
            )
    cols = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{model._meta.db_table}" ({cols}) SELECT {", ".join(exprs)} {from_sql}'
    return execute(sql, [*defaults, *params])
