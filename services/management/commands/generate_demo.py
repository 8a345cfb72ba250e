from django.core.management.base import BaseCommand

from services.demo import demo_services_and_staff
from services.models import Service


class Command(BaseCommand):
    help = "Load deterministic demo data: services, staff and a NECTOS-shaped pathway."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds services (a second `make demo`).",
        )

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if if_empty and Service.objects.exists():
            self.stdout.write("Demo data already loaded; reusing it.")
            return
        demo_services_and_staff()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (seed {seed})."))
