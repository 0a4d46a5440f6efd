"""Background jobs (django-tasks): keep the OpenSearch index in step with the chunk table. Idempotent."""

from django_tasks import task

from search.backends import opensearch


@task()
def opensearch_sync_document(document_id: str) -> int:
    return opensearch.sync_document(document_id)


@task()
def opensearch_delete_document(document_id: str) -> int:
    return opensearch.delete_document(document_id)
