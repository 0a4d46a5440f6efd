from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search.retention import purge_search_history


class Command(BaseCommand):
    help = "Delete search queries (with their responses and feedback) older than SEARCH_RETENTION_DAYS, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention in days (default SEARCH_RETENTION_DAYS)")
        parser.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, days, dry_run, batch_size, **options):
        days = settings.SEARCH_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days는 1 이상이어야 합니다.")
        if batch_size < 1:
            raise CommandError("--batch-size는 1 이상이어야 합니다.")
        audit = purge_search_history(cutoff=timezone.now() - timedelta(days=days), retention_days=days,
                                     dry_run=dry_run, batch_size=batch_size)
        verb = "삭제 예정(--dry-run)" if dry_run else "삭제함"
        counts = ", ".join(f"{label}={n}" for label, n in audit.deleted_counts.items())
        self.stdout.write(f"{verb}: {audit.cutoff:%Y-%m-%d %H:%M} 이전 {counts} "
                          f"(범위 {audit.oldest or '-'} .. {audit.newest or '-'}); 감사 기록 #{audit.pk}")
