"""Background jobs (django-tasks; the database backend keeps the queue in PostgreSQL).

Each job is idempotent: processing a document again replaces its chunks atomically, and deleting a stored
file that is already gone succeeds. A storage outage does not fail a document: its job is queued again
with a growing delay. A database outage is the worker's business (core/worker.py): the job stays claimed
and runs again once the database answers. The watchdog (documents/jobs.py) runs on the worker's schedule,
not from this queue.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from core.traces import record_trace
from documents.indexing import reindex_lexical_batch
from documents.pipeline import run_pipeline, wait_for_storage
from documents.storage import StorageUnavailable, describe_storage_error, is_storage_error

logger = logging.getLogger(__name__)

LONGEST_RETRY_DELAY = timedelta(hours=1)


def retry_delay(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempt - 1, 0)), LONGEST_RETRY_DELAY)


def enqueue_later(job, delay: timedelta, *args) -> bool:
    """Queue `job` to run after `delay`; False on a backend that cannot defer (the immediate one in tests)."""
    if not job.get_backend().supports_defer:
        return False
    job.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


@task()
def process_document(document_id: str, storage_retry: int = 0) -> str:
    try:
        return run_pipeline(document_id)
    except StorageUnavailable as exc:
        delay = retry_delay(storage_retry + 1)
        wait_for_storage(document_id=document_id, reason=exc.reason, retry_in=delay)
        enqueue_later(process_document, delay, document_id, storage_retry + 1)
        return "waiting for storage"


@task()
def delete_stored_file(name: str, attempt: int = 1) -> str:
    """Delete a stored file until it is really gone (S3 answers 204 to a delete it did not perform when down)."""
    try:
        default_storage.delete(name)
        if not default_storage.exists(name):
            return "deleted"
        problem = "still present after delete"
    except Exception as exc:
        if not is_storage_error(exc) and not isinstance(exc, OSError):
            raise
        problem = describe_storage_error(exc)
    if attempt >= settings.STORAGE_DELETE_MAX_ATTEMPTS:
        logger.error("gave up deleting stored file %s after %d attempts: %s", name, attempt, problem)
        record_trace(step="storage_delete", outcome="error", error=problem, detail={"attempts": attempt})
        return "gave up"
    logger.warning("stored file %s not deleted (attempt %d): %s; retrying", name, attempt, problem)
    enqueue_later(delete_stored_file, retry_delay(attempt), name, attempt + 1)
    return "retry scheduled"


@task()
def reindex_lexical_vectors(after: str = "") -> str:
    """Rewrite every document's lexical vectors with the current analyser (queued by a migration when the analyser
    changes), a batch of documents per job: each job queues the next, so the worker stays free for uploads."""
    count, last = reindex_lexical_batch(after=after)
    if last:
        reindex_lexical_vectors.enqueue(last)
    return f"{count} documents reindexed"
