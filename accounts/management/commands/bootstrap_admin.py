import os

from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Create the first superuser from ADMIN_EMAIL / ADMIN_PASSWORD (idempotent; for containers)."

    def handle(self, *args, **options):
        email = os.environ.get("ADMIN_EMAIL", "").strip()
        password = os.environ.get("ADMIN_PASSWORD", "")
        if not email or not password:
            raise CommandError("환경 변수 ADMIN_EMAIL과 ADMIN_PASSWORD를 설정하세요.")
        user, created = services.bootstrap_admin(email=email, password=password,
                                                 name=os.environ.get("ADMIN_NAME", ""))
        verb = "만들었습니다" if created else "이미 있습니다"
        self.stdout.write(self.style.SUCCESS(f"최고 관리자 {user.email}: {verb}"))
