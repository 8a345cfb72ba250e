"""Run one set of SQL aggregates over a queryset, overall or per breakdown."""

from django.db.models import Count, QuerySet

from reporting.metrics.cohort import group_key, group_order, with_group

OVERALL = None


def aggregate_by(qs: QuerySet, aggregates: dict, by: str | None) -> dict[str | None, dict]:
    """{None: figures} without a breakdown, else {group code: figures} in
    code-list order: one query (two for sex and source: their order)."""
    if by is None:
        return {OVERALL: qs.aggregate(**aggregates)}
    rows = with_group(qs, by).values("group").annotate(**aggregates).order_by()
    found = {group_key(row.pop("group")): row for row in rows}
    return {key: found[key] for key in group_order(by, found)}


def histogram_by(qs: QuerySet, value: str, by: str | None) -> dict[str | None, dict]:
    """{group: {value: count}} for an annotated column `value`: one query."""
    fields = [value] if by is None else ["group", value]
    if by is not None:
        qs = with_group(qs, by)
    out: dict[str | None, dict] = {}
    for row in qs.values(*fields).annotate(_n=Count("pk")).order_by():
        key = OVERALL if by is None else group_key(row["group"])
        out.setdefault(key, {})[row[value]] = row["_n"]
    return out
