from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nectos import clock
from reporting.returns.build import build_return
from reporting.returns.quarters import Quarter
from reporting.returns.writers import csv_bytes, xlsx_bytes
from services.models import Service, User


class Command(BaseCommand):
    help = (
        "Write a commissioner's quarterly return (disclosure-controlled) as XLSX or CSV: "
        "the services the commissioner commissions, or every service without --commissioner."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="such as 2026Q1")
        parser.add_argument("--commissioner", help="username; default every service")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, quarter, commissioner, format, out, **options):
        try:
            q = Quarter.parse(quarter)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        today = clock.today()
        if not q.is_complete(today):
            raise CommandError(f"{q} has not ended yet (today is {today})")
        name = ""
        if commissioner:
            user = User.objects.filter(username=commissioner).first()
            if user is None:
                raise CommandError(f"no user {commissioner!r}")
            services = list(Service.objects.commissioned_by(user))
            if not services:
                raise CommandError(f"{commissioner!r} commissions no service")
            name = str(user)
        else:
            services = list(Service.objects.all())
            if not services:
                raise CommandError("there are no services")
        doc = build_return(services=services, quarter=q, commissioner=name)
        data = xlsx_bytes(doc) if format == "xlsx" else csv_bytes(doc)
        Path(out).write_bytes(data)
        self.stdout.write(
            f"Wrote the {q} return of {len(services)} service(s) to {out} ({len(data):,} bytes)."
        )
