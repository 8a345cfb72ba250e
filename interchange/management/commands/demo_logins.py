from django.core.management.base import BaseCommand

from interchange.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<10} {what}")
        self.stdout.write("\nOpen http://127.0.0.1:8000/\n")
