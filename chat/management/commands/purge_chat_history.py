import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chat.services import purge_chat_history


class Command(BaseCommand):
    help = "Delete chat messages and traces older than CHAT_RETENTION_DAYS (or --days); writes an audit entry."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"keep this many days (default CHAT_RETENTION_DAYS={settings.CHAT_RETENTION_DAYS})")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        audit = purge_chat_history(days=days, dry_run=dry_run, ran_by=f"manage.py ({getpass.getuser()})")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb}: {audit.sessions_deleted} sessions, {audit.messages_deleted} messages, "
            f"{audit.traces_deleted} traces older than {audit.cutoff:%Y-%m-%d %H:%M} ({audit.days} days); "
            f"audit #{audit.pk}"
        )
