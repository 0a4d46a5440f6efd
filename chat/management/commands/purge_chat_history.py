import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chat.services import CHAT_MESSAGES, CHAT_SESSIONS, TRACES, purge_chat_history


class Command(BaseCommand):
    help = "Delete chat messages and traces older than CHAT_RETENTION_DAYS (or --days); writes an audit entry."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"keep this many days (default CHAT_RETENTION_DAYS={settings.CHAT_RETENTION_DAYS})")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 1:
            raise CommandError("--days는 1 이상이어야 합니다.")
        audit = purge_chat_history(days=days, dry_run=dry_run, ran_by=f"manage.py ({getpass.getuser()})")
        verb = "삭제 예정(--dry-run)" if dry_run else "삭제함"
        counts = audit.deleted_counts
        self.stdout.write(
            f"{verb}: {audit.cutoff:%Y-%m-%d %H:%M} 이전({audit.retention_days}일) 대화 {counts[CHAT_SESSIONS]}개, "
            f"메시지 {counts[CHAT_MESSAGES]}개, 추적 기록 {counts[TRACES]}개; 감사 기록 #{audit.pk}"
        )
