"""tops.csv and client_reviews.csv: the Treatment Outcomes Profile and client
information reviews in the bundle (interchange.md).

Any item cell may say `declined`; an empty cell is "not asked". Each item
is staged as text in its normal form (`declined`, `n;n;n;n`, `12.50`,
`yes`, a code), so the staging table keeps the three states apart and the
writes turn it into the model's columns plus its `declined` array. The
export renders the model back to the same text, so a round trip is exact.

Rows match records by (episode_ref, stage, top_date) and (episode_ref,
review_date): a second import of the same bundle updates, never
duplicates."""

from django.db.models import F

from clients.review_models import CODED, REVIEW_COLUMNS, REVIEW_ITEMS, YES_NO, ClientReview
from interchange.resources import (
    BundleWidget,
    ClientReviewResource,
    TopResource,
)
from interchange.top_resources import DECLINED
from outcomes.top_models import (
    AMOUNT_OF,
    DAY_ITEMS,
    ITEM_COLUMNS,
    ITEMS,
    SCORE_ITEMS,
    YES_NO_ITEMS,
    TreatmentOutcomesProfile,
)


def codes_for_files() -> dict[str, frozenset[str]]:
    from outcomes.top_models import Stage

    codes = {"stage": frozenset(Stage.values)}
    for item, model in CODED.items():
        codes[item] = frozenset(model.objects.values_list("code", flat=True))  # type: ignore[attr-defined]
    return codes


# --- Checks -----------------------------------------------------------------

_REFERRAL_DATE = """
    COALESCE(
        (SELECT rr.referral_date FROM stage_episodes se JOIN res_referral rr
           ON rr.ref = se.referral_ref WHERE se.episode_ref = s.episode_ref LIMIT 1),
        (SELECT r.referral_date FROM keywork_episode e JOIN clients_referral r
           ON r.id = e.referral_id WHERE e.reference = s.episode_ref))
"""


def checks(allowed: list[str] | None, broken: set[str]) -> list:
    # Imported here: resources.py imports this module before bundle.py can
    # import resources.FILE_NAMES.
    from interchange.bundle import Problem
    from interchange.checks import _scoped, _unresolved_episode
    from interchange.staging import fetch

    problems: list[Problem] = []
    for file, table, day in (
        ("tops.csv", "stage_tops", "top_date"),
        ("client_reviews.csv", "stage_client_reviews", "review_date"),
    ):
        problems += _unresolved_episode(file, table, broken, allowed)
        post_exit = "s.stage = 'post_exit'" if table == "stage_tops" else "FALSE"
        rows = fetch(
            f"""
            SELECT s.line, CASE
                WHEN s.{day} < ref_date THEN 'before the referral (' || ref_date || ')'
                WHEN {post_exit} AND e.end_date IS NULL
                THEN 'a post-exit TOP needs an ended episode'
                WHEN {post_exit} THEN 'a post-exit TOP comes after the end (' || e.end_date || ')'
                ELSE 'after the episode ended (' || e.end_date || ')' END
            FROM (SELECT s.*, {_REFERRAL_DATE} AS ref_date FROM {table} s) s
            JOIN res_episode e ON e.ref = s.episode_ref
            WHERE s.{day} < s.ref_date
               OR ({post_exit} AND (e.end_date IS NULL OR s.{day} <= e.end_date))
               OR (NOT ({post_exit}) AND s.{day} > e.end_date)
            ORDER BY s.line
            """  # noqa: S608 (table and column names are constants)
        )
        problems += [Problem(file, line, day, reason) for line, reason in rows]
        problems += _scoped(file, table, "JOIN res_episode p ON p.ref = s.episode_ref", allowed)
    rows = fetch(
        """
        SELECT line, stage, first FROM (
            SELECT line, stage, min(line) OVER (PARTITION BY episode_ref, stage) AS first
            FROM stage_tops WHERE stage IN ('start', 'exit') AND episode_ref IS NOT NULL
        ) q WHERE line <> first ORDER BY line
        """
    )
    problems += [
        Problem("tops.csv", line, "stage", f"an episode has one {stage} TOP; line {first} has it")
        for line, stage, first in rows
    ]
    rows = fetch(
        """
        SELECT s.line, s.stage FROM stage_tops s
        JOIN keywork_episode e ON e.reference = s.episode_ref
        JOIN outcomes_treatmentoutcomesprofile t ON t.episode_id = e.id AND t.stage = s.stage
        WHERE s.stage IN ('start', 'exit') AND t.top_date <> s.top_date
        ORDER BY s.line
        """
    )
    problems += [
        Problem("tops.csv", line, "stage", f"the episode already has a {stage} TOP on another date")
        for line, stage in rows
    ]
    return problems


# --- Writes -----------------------------------------------------------------


def _column_sql(item: str, kind: str) -> str:
    cell = f's."{item}"'
    value = f"NULLIF({cell}, '{DECLINED}')"
    cast = {
        "weeks": f"string_to_array({value}, ';')::smallint[]",
        "money": f"{value}::numeric",
        "bool": f"({value} = 'yes')",
        "int": f"{value}::smallint",
        "code": value,
    }[kind]
    return f"CASE WHEN {cell} IS NULL OR {cell} = '{DECLINED}' THEN NULL ELSE {cast} END"


def _declined_sql(items) -> str:
    parts = ", ".join(f"CASE WHEN s.\"{i}\" = '{DECLINED}' THEN '{i}' END" for i in items)
    return f"array_remove(ARRAY[{parts}]::varchar[], NULL)"


def _top_kind(item: str) -> str:
    if item in DAY_ITEMS:
        return "weeks"
    if item in AMOUNT_OF:
        return "money"
    if item in YES_NO_ITEMS:
        return "bool"
    if item in SCORE_ITEMS:
        return "int"
    return "code"


def _review_kind(item: str) -> str:
    if item in CODED:
        return "code"
    if item in YES_NO:
        return "bool"
    return "int"


def _write(model, table: str, stage_table: str, items, columns, kind, match: str, key) -> tuple:
    from interchange.staging import execute, insert_select

    values = {columns[i]: _column_sql(i, kind(i)) for i in items}
    values["declined"] = _declined_sql(items)
    db_table = model._meta.db_table
    assign = ", ".join(f'"{c}" = {sql}' for c, sql in values.items())
    old = ", ".join(f't."{c}"' for c in values)
    new = ", ".join(values.values())
    changed = execute(
        f"""
        UPDATE {db_table} t SET {assign}
        FROM {stage_table} s JOIN keywork_episode e ON e.reference = s.episode_ref
        WHERE t.episode_id = e.id AND {match}
          AND ({old}) IS DISTINCT FROM ({new})
        """  # noqa: S608 (names are constants)
    )
    new_rows = insert_select(
        model,
        {"episode_id": "e.id", **{k: f"s.{k}" for k in key}, **values},
        f"""
        FROM {stage_table} s JOIN keywork_episode e ON e.reference = s.episode_ref
        WHERE NOT EXISTS (SELECT 1 FROM {db_table} t WHERE t.episode_id = e.id AND {match})
        ORDER BY s.line
        """,  # noqa: S608 (names are constants)
    )
    return new_rows, changed


def write_tops() -> tuple[int, int]:
    return _write(
        TreatmentOutcomesProfile,
        "tops",
        "stage_tops",
        ITEMS,
        ITEM_COLUMNS,
        _top_kind,
        "t.stage = s.stage AND t.top_date = s.top_date",
        ("stage", "top_date"),
    )


def write_client_reviews() -> tuple[int, int]:
    return _write(
        ClientReview,
        "client_reviews",
        "stage_client_reviews",
        REVIEW_ITEMS,
        REVIEW_COLUMNS,
        _review_kind,
        "t.review_date = s.review_date",
        ("review_date",),
    )


# --- Export -------------------------------------------------------------------


def _cell(record, item: str, column_name: str, widget: BundleWidget) -> str | None:
    if record.is_declined(item):
        return DECLINED
    value = getattr(record, column_name)
    if value is None:
        return None
    return widget.inner.format(value)


def export_files(codes: list[str] | None):
    """(resource, rows) for tops.csv and client_reviews.csv."""
    tops = TreatmentOutcomesProfile.objects.all()
    reviews = ClientReview.objects.all()
    if codes is not None:
        tops = tops.filter(episode__referral__service__code__in=codes)
        reviews = reviews.filter(episode__referral__service__code__in=codes)
    top_resource = TopResource()
    widgets = {i: top_resource.fields[i].widget for i in ITEMS}
    yield (
        top_resource,
        (
            (
                t.episode_reference,
                t.top_date,
                t.stage,
                *(_cell(t, i, ITEM_COLUMNS[i], widgets[i]) for i in ITEMS),
            )
            for t in tops.annotate(episode_reference=F("episode__reference"))
            .order_by("episode__reference", "top_date", "stage")
            .iterator(chunk_size=2000)
        ),
    )
    review_resource = ClientReviewResource()
    widgets = {i: review_resource.fields[i].widget for i in REVIEW_ITEMS}
    yield (
        review_resource,
        (
            (
                r.episode_reference,
                r.review_date,
                *(_cell(r, i, REVIEW_COLUMNS[i], widgets[i]) for i in REVIEW_ITEMS),
            )
            for r in reviews.annotate(episode_reference=F("episode__reference"))
            .order_by("episode__reference", "review_date")
            .iterator(chunk_size=2000)
        ),
    )
