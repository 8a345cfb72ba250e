import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from nectos import clock
from outcomes.actions import followups_sweep


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of wants a date like 2026-11-27, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Bring every follow-up up to date for a day and notify keyworkers of "
        "what became due or overdue: the same work as the Celery sweeper."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, default=None, help="YYYY-MM-DD; default today")

    def handle(self, *args, as_of: str | None, **options):
        day = _date(as_of) if as_of else clock.today()
        result = followups_sweep(as_of=day)
        self.stdout.write(
            f"Follow-ups as of {day:%Y-%m-%d}: {result.changed} changed, "
            f"{result.notified} notifications, {result.episodes_given_rows} episodes new."
        )
