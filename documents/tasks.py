"""Background jobs (django-tasks; the database backend keeps the queue in PostgreSQL).

Each job is idempotent: processing a document again replaces its chunks atomically.

The watchdog schedules itself: whenever a document is queued, `ensure_watchdog_scheduled()` makes sure one
`watchdog` job is waiting in the queue (run_after = now + WATCHDOG_INTERVAL); each run requeues stale documents
and schedules the next run. A worker restarted after a crash therefore finds the watchdog in the queue and
recovers the documents its predecessor left half-done, with nothing else to start.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task


@task()
def process_document(document_id: str) -> str:
    from documents.pipeline import run_pipeline

    return run_pipeline(document_id)


@task()
def watchdog() -> dict:
    from documents.services import requeue_stale_documents

    report = requeue_stale_documents()
    ensure_watchdog_scheduled()
    return {"requeued": len(report.requeued), "failed": len(report.failed), "waiting": len(report.waiting)}


def ensure_watchdog_scheduled() -> bool:
    """Queue the next watchdog run unless one is already waiting; True when one was queued.

    Only for the database backend: the immediate backend (tests) cannot defer, and would loop.
    """
    backend = watchdog.get_backend()
    if type(backend).__module__ != "django_tasks_db.backend":
        return False
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=watchdog.module_path, status=TaskResultStatus.READY).exists():
        return False
    interval = timedelta(minutes=max(settings.DOCUMENT_STALE_MINUTES / 2, 1))
    watchdog.using(run_after=timezone.now() + interval).enqueue()
    return True
