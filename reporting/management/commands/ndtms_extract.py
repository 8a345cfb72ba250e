"""`manage.py ndtms_extract --service CODE --month YYYY-MM --out PATH`: the
month's NDTMS extract of one service, in the version in force, with its
data-quality problems counted on stderr (the file is written either way).
The file holds client rows: write it only where the service keeps such files."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nectos import clock
from reporting.ndtms.actions import NoVersionInForce, extract_compute
from reporting.ndtms.build import month_end
from reporting.ndtms.rules import counts_by_rule
from services.models import Service


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as e:
        raise CommandError(f"{value!r} is not a month (YYYY-MM)") from e


class Command(BaseCommand):
    help = "Write one service's monthly NDTMS extract."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True)
        parser.add_argument("--month", required=True, type=_month)
        parser.add_argument("--out", required=True)

    def handle(self, *args, service, month, out, **options):
        found = Service.objects.filter(code=service).first()
        if found is None:
            raise CommandError(f"No service with the code {service!r}.")
        if month_end(month) >= clock.today():
            raise CommandError("Only a month that has ended can be extracted.")
        try:
            version, content, rows, problems = extract_compute(service=found, month=month)
        except NoVersionInForce as e:
            raise CommandError(str(e)) from e
        Path(out).write_text(content, encoding="utf-8", newline="")
        self.stdout.write(
            f"{len(rows)} rows for {found.code} {month:%Y-%m}, version {version.name}: {out}"
        )
        for rule, label, n in counts_by_rule([p.as_dict() for p in problems]):
            if n:
                self.stderr.write(f"{n}\t{rule}\t{label}")
        if problems:
            self.stderr.write(f"{len(problems)} problems: check before sending.")
