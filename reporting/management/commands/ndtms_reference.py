"""`manage.py ndtms_reference load PATH [--in-force-from YYYY-MM-DD]`: load
an NDTMS core-data-set pack as a new version (docs/returns.md).
`manage.py ndtms_reference list`: the versions loaded and when in force."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reporting.ndtms.models import CoreDataSetVersion
from reporting.ndtms.reference import PackError, pack_load


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from e


class Command(BaseCommand):
    help = "Load or list NDTMS core data set versions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load a CSV pack as a new version.")
        load.add_argument("path")
        load.add_argument("--in-force-from", type=_day, default=None)
        sub.add_parser("list", help="List the versions.")

    def handle(self, *args, action, **options):
        if action == "list":
            for v in CoreDataSetVersion.objects.order_by("in_force_from", "name"):
                since = v.in_force_from or "not in force"
                self.stdout.write(f"{v.name}\t{since}\t{v.description}")
            return
        try:
            version = pack_load(path=options["path"], in_force_from=options["in_force_from"])
        except PackError as e:
            raise CommandError("The pack was not loaded:\n" + str(e)) from e
        self.stdout.write(
            f"Loaded version {version.name}: {version.fields.count()} fields, "
            f"{version.codes.count()} codes"
            + (f", in force from {version.in_force_from}" if version.in_force_from else "")
            + "."
        )
