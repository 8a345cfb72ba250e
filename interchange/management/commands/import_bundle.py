from django.core.management.base import BaseCommand, CommandError

from interchange.importing import import_bundle


class Command(BaseCommand):
    help = (
        "Import an interchange bundle (a folder or a .zip; docs/interchange.md). Everything "
        "is checked first; a bundle with any bad row imports nothing and exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a bundle folder or .zip")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, path: str, dry_run: bool, **options):
        report = import_bundle(path, dry_run=dry_run, audit={"via": "import_bundle command"})
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{path}: the bundle has problems; nothing was imported.")
