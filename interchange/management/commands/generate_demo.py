from django.core.management.base import BaseCommand, CommandError

from services.models import Service


class Command(BaseCommand):
    help = (
        "Load deterministic NECTOS-shaped demo data: five services with staff in every role "
        "and three years of pathway records, written as a bundle and imported through "
        "import_bundle. --scale national bulk-loads 150 services instead (docs/interchange.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds services (a second `make demo`).",
        )
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="First remove the demo services, their records and the demo staff "
            "(nothing else), so the demo is dated today.",
        )

    def handle(self, *args, seed: int, if_empty: bool, scale: str, fresh: bool = False, **options):
        if fresh and scale == "demo":
            from django.db.models import ProtectedError

            from interchange.demo_reset import delete_demo_data

            try:
                removed = delete_demo_data()
            except ProtectedError as exc:
                # A kind of record delete_demo_data does not know yet still
                # needs a demo row: nothing was removed.
                kinds = sorted({obj._meta.label for obj in exc.protected_objects})
                raise CommandError(
                    "the demo was not removed (nothing was): records of "
                    f"{', '.join(kinds)} still point at it"
                ) from exc
            self.stdout.write(
                f"Removed the earlier demo: {removed['records']:,} rows of its services' records, "
                f"{removed['clients']:,} clients, {removed['staff']} staff."
            )
        elif if_empty and Service.objects.exists():
            self.stdout.write(
                "Demo data already loaded; reusing it. To replace it with a demo dated today "
                "(demo services, their records and demo staff only): "
                "python manage.py generate_demo --fresh"
            )
            return
        if scale == "national":
            from interchange.national import generate_national

            for line in generate_national(seed=seed, log=self.stdout.write):
                self.stdout.write(line)
            return
        from interchange.generate import generate_demo

        report = generate_demo(seed=seed)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("the demo bundle did not import (see above)")
        from interchange.demo import SERVICES
        from interchange.liveliness import bring_to_life

        self._ndtms_reference(seed)

        # What the service has planned and is running this week and next.
        today = bring_to_life(seed=seed, service_codes=[code for code, *_ in SERVICES])
        self.stdout.write("Brought to life on the day:")
        for line in today.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (seed {seed})."))

    def _ndtms_reference(self, seed: int) -> None:
        """The shipped NDTMS pack, in force since well before the demo's
        first referral, unless an administrator has loaded one already;
        then the demo services' agency codes and clients' authorities."""
        import datetime as dt
        from pathlib import Path

        from django.conf import settings
        from django.core.management import call_command

        from interchange.demo import demo_local_authorities
        from nectos import clock
        from services.models import LocalAuthority

        if not LocalAuthority.objects.exists():
            since = dt.date(clock.today().year - 4, 4, 1)
            call_command(
                "ndtms_reference",
                "load",
                str(Path(settings.BASE_DIR) / "reporting" / "ndtms" / "packs" / "Q"),
                "--in-force-from",
                since.isoformat(),
                stdout=self.stdout,
            )
        given = demo_local_authorities(seed=seed)
        self.stdout.write(f"Local authority of residence recorded for {given:,} clients.")
