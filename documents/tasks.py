"""Background jobs (django-tasks; the database backend keeps the queue in PostgreSQL).

Each job is idempotent: processing a document again replaces its chunks atomically.
"""

from django_tasks import task


@task()
def process_document(document_id: str) -> str:
    from documents.pipeline import run_pipeline

    return run_pipeline(document_id)
