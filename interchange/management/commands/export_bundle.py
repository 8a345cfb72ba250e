from django.core.management.base import BaseCommand, CommandError

from interchange.exporting import export_bundle
from services.models import Service


class Command(BaseCommand):
    help = "Export an interchange bundle to a folder, or to a .zip when PATH ends in .zip."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder (created if needed) or a .zip file name")
        parser.add_argument(
            "--service", action="append", metavar="CODE", help="only this service (repeatable)"
        )

    def handle(self, *args, path: str, service: list[str] | None, **options):
        if service:
            unknown = sorted(set(service) - set(Service.objects.values_list("code", flat=True)))
            if unknown:
                raise CommandError("no such service: " + ", ".join(unknown))
        report = export_bundle(path, service_codes=service)
        self.stdout.write(f"Wrote {path}:")
        for line in report.lines():
            self.stdout.write(line)
