"""Scheduled jobs of the documents app (core/scheduling.py)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.scheduling import scheduled_job
from core.worker import requeue_jobs_of_stopped_workers
from documents.models import ApprovalState, Document
from documents.services import requeue_stale_documents
from documents.signals import send_document_changed_on_commit


@scheduled_job("watchdog", every=timedelta(minutes=settings.WATCHDOG_INTERVAL_MINUTES), inline=True,
               description="멈춘 작업과 문서 다시 대기열에 넣기(워커 안에서 직접 실행)")
def watchdog() -> dict:
    """Runs in the worker's own loop, not from the queue it watches: jobs of workers that stopped go back into
    the queue, and documents whose job vanished are queued again (at most DOCUMENT_MAX_ATTEMPTS times)."""
    jobs = requeue_jobs_of_stopped_workers(silent_for=timedelta(minutes=settings.WORKER_SILENT_MINUTES))
    report = requeue_stale_documents()
    return {"jobs_requeued": jobs, "documents_requeued": len(report.requeued), "documents_failed": len(report.failed),
            "documents_waiting": len(report.waiting)}


@scheduled_job("expire_documents", every=timedelta(hours=1), description="유효 기한이 지난 승인 문서를 만료로 표시")
def expire_documents() -> dict:
    """Approved documents past valid_until become 만료 (search already hides them; the state now says so).
    Each one sends document_changed(fields={"approval_state"}) after commit, so external indexes follow."""
    now = timezone.now()
    with transaction.atomic():
        due = list(Document.objects.select_for_update().filter(approval_state=ApprovalState.APPROVED,
                                                                valid_until__lte=now).values_list("pk", flat=True))
        expired = Document.objects.filter(pk__in=due).update(approval_state=ApprovalState.EXPIRED, updated_at=now)
        for document_id in due:
            send_document_changed_on_commit(document_id, {"approval_state"})
    return {"expired": expired}
