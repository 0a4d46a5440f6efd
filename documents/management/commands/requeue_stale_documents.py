import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from documents.services import requeue_stale_documents


class Command(BaseCommand):
    help = ("Watchdog: requeue documents whose job stopped without finishing (e.g. a killed worker); "
            "after DOCUMENT_MAX_ATTEMPTS they are marked failed with the reason.")

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, help="idle time that counts as stale (DOCUMENT_STALE_MINUTES)")
        parser.add_argument("--every", type=float, help="keep running, checking every N seconds")

    def handle(self, minutes, every, **options):
        stale_after = timedelta(minutes=minutes) if minutes is not None else None
        while True:
            report = requeue_stale_documents(stale_after=stale_after)
            self.stdout.write(f"다시 대기열에 넣음 {len(report.requeued)}건, 실패 처리 {len(report.failed)}건, "
                              f"대기열에서 기다리는 중 {len(report.waiting)}건")
            if not every:
                return
            time.sleep(every)
