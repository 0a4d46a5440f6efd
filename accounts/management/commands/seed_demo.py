from importlib import import_module, util

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import demo_password

# Each app that has demo data exposes demo.seed(stdout=...) -> {"logins": [(email, role), ...]}.
DEMO_APPS = ["accounts", "sales", "documents", "search", "chat"]


class Command(BaseCommand):
    help = "Fill the database with a fictional Korean pharmaceutical sales organisation (idempotent)."

    def handle(self, *args, **options):
        logins = []
        for app in DEMO_APPS:
            if util.find_spec(f"{app}.demo") is None:
                continue
            with transaction.atomic():
                result = import_module(f"{app}.demo").seed(stdout=self.stdout) or {}
            logins.extend(result.get("logins", []))
        self.stdout.write(self.style.SUCCESS("\n데모 로그인 (모든 계정의 비밀번호: %s)" % demo_password()))
        for email, role in logins:
            self.stdout.write(f"  {email:<34} {role}")
