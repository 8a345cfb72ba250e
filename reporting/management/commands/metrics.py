import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from nectos import clock
from reporting.metrics import COMMAND_BREAKDOWNS, Cohort, report
from services.models import Service


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Print the NECTOS measures (funnel, retention, keywork intensity, outcome "
        "change) for referrals and episodes in a period, as things stood on --as-of."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--as-of", dest="as_of", help="YYYY-MM-DD; default today, never after today"
        )
        parser.add_argument("--service", help="service code; default every service")
        parser.add_argument("--by", choices=COMMAND_BREAKDOWNS, help="also per group")
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")

    def handle(self, *args, start, end, as_of, service, by, json: bool, **options):
        start, end = _date(start), _date(end)
        today = clock.today()
        as_of = _date(as_of) if as_of else today
        if start > end:
            raise CommandError("--from is after --to")
        if as_of > today:
            raise CommandError(f"--as-of {as_of} is in the future (today is {today})")
        services = None
        if service:
            found = Service.objects.filter(code=service).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"no service with code {service!r}")
            services = [found]
        cohort = Cohort(start, end, as_of, services)
        self.stdout.write(_dumps(report(cohort, service_code=service or None, by=by)))


def _dumps(data: dict) -> str:
    return json.dumps(data, indent=2, allow_nan=False)
