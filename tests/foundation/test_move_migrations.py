"""The models that moved out of services (reporting's QuarterlyReturn,
ReportDownload and DashboardSnapshot; interchange's ImportJob) kept their
tables: migrating a database from before the move forward changes no table
and loses no row, and their content types follow them under the same ids."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from nectos import clock

pytestmark = pytest.mark.django_db(transaction=True)

# The newest migration of services before the move; reporting and
# interchange had none.
BEFORE = [("services", "0005_import_job_expired"), ("reporting", None), ("interchange", None)]
# Tables that migrations after BEFORE made, in services and in apps whose
# migrations depend on those: staff history, the local authority list and
# the NDTMS reference data and extracts.
LATER_TABLES = {
    "services_userevent",
    "services_membershipevent",
    "services_localauthority",
    "reporting_ndtms_version",
    "reporting_ndtms_field",
    "reporting_ndtms_code",
    "reporting_ndtms_extract",
}
MOVED = {
    "services_quarterlyreturn": ("reporting", "quarterlyreturn"),
    "services_quarterlyreturn_services": None,
    "services_reportdownload": ("reporting", "reportdownload"),
    "services_dashboardsnapshot": ("reporting", "dashboardsnapshot"),
    "services_importjob": ("interchange", "importjob"),
}


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in MOVED:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names above)
            counts[table] = cursor.fetchone()[0]
        return counts


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _leaves(executor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _load_rows_at_the_old_state(old_apps) -> dict[str, int]:
    """Rows in every moved table, through the models as they stood in services."""
    user_model = old_apps.get_model("services", "User")
    service_model = old_apps.get_model("services", "Service")
    content_type = old_apps.get_model("contenttypes", "ContentType")
    commissioner = user_model.objects.create(username="moving-commissioner")
    service = service_model.objects.create(code="MOVE", name="Moving service", tier=3)
    today = clock.today()
    qr = old_apps.get_model("services", "QuarterlyReturn").objects.create(
        commissioner=commissioner, quarter="2025Q1", state="done"
    )
    qr.services.add(service)
    old_apps.get_model("services", "ReportDownload").objects.create(
        user=commissioner, kind="return_csv", quarterly_return=qr
    )
    old_apps.get_model("services", "DashboardSnapshot").objects.create(
        service=service,
        period_start=today - dt.timedelta(days=90),
        period_end=today,
        as_of=today,
    )
    old_apps.get_model("services", "ImportJob").objects.create(created_by=commissioner)
    ids = {}
    for model in ("quarterlyreturn", "reportdownload", "dashboardsnapshot", "importjob"):
        content_type.objects.filter(
            app_label__in=("reporting", "interchange"), model=model
        ).delete()
        ids[model] = content_type.objects.get_or_create(app_label="services", model=model)[0].pk
    return ids


def test_migrating_forward_from_before_the_move_keeps_every_table_and_row():
    executor = MigrationExecutor(connection)
    leaves = _leaves(executor)
    tables_after = _tables()
    try:
        _there_and_back(executor, leaves, tables_after)
    finally:
        # Whatever failed, the tests after this one need today's schema.
        MigrationExecutor(connection).migrate(leaves)


def _there_and_back(executor, leaves, tables_after) -> None:
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    # Going back over the move drops nothing but the tables that services'
    # later migrations made (staff history), which come back going forward.
    assert tables_after - _tables() == LATER_TABLES

    old_apps = executor.loader.project_state(
        [BEFORE[0], ("contenttypes", "0002_remove_content_type_name")]
    ).apps
    content_type_ids = _load_rows_at_the_old_state(old_apps)
    before = _counts()
    assert all(before[table] >= 1 for table in MOVED)

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    assert _tables() == tables_after
    assert _counts() == before
    from django.contrib.contenttypes.models import ContentType

    for label in filter(None, MOVED.values()):
        app_label, model = label
        moved = ContentType.objects.get(app_label=app_label, model=model)
        assert moved.pk == content_type_ids[model]
        assert not ContentType.objects.filter(app_label="services", model=model).exists()


def test_the_move_migrations_touch_no_table():
    from io import StringIO

    from django.core.management import call_command

    for app, name in [
        ("services", "0006_reporting_models_move_out"),
        ("services", "0007_importjob_move_out"),
        ("reporting", "0001_initial"),
        ("interchange", "0001_initial"),
    ]:
        out = StringIO()
        call_command("sqlmigrate", app, name, stdout=out)
        sql = [
            line
            for line in out.getvalue().splitlines()
            if line.strip() and not line.startswith("--")
        ]
        assert sql == ["BEGIN;", "COMMIT;"], (app, name, sql)
