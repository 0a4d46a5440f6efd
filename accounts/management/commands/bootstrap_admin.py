import os

from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Create the first superuser from ADMIN_EMAIL / ADMIN_PASSWORD (idempotent; for containers)."

    def handle(self, *args, **options):
        email = os.environ.get("ADMIN_EMAIL", "").strip()
        password = os.environ.get("ADMIN_PASSWORD", "")
        if not email or not password:
            raise CommandError("set ADMIN_EMAIL and ADMIN_PASSWORD in the environment")
        user, created = services.bootstrap_admin(email=email, password=password,
                                                 name=os.environ.get("ADMIN_NAME", ""))
        verb = "created" if created else "already exists:"
        self.stdout.write(self.style.SUCCESS(f"superuser {verb} {user.email}"))
