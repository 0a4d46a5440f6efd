from django.core.management.base import BaseCommand

from documents import services
from documents.models import Document, ProcessingStatus
from documents.pipeline import run_pipeline


class Command(BaseCommand):
    help = "Queue documents for processing again (all, or those with --status failed, ...)."

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=ProcessingStatus.values, help="only documents in this status")
        parser.add_argument("--sync", action="store_true", help="process now instead of queueing for the worker")

    def handle(self, status, sync, **options):
        documents = Document.objects.order_by("created_at")
        if status:
            documents = documents.filter(status=status)
        count = 0
        for document in documents.iterator():
            services.document_reprocess(document=document, enqueue=not sync)
            if sync:
                run_pipeline(document.pk)
            count += 1
        verb = "다시 처리했습니다" if sync else "다시 처리 대기열에 넣었습니다"
        self.stdout.write(f"문서 {count}건을 {verb}")
