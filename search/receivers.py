"""Signal receivers: synonym cache invalidation, and OpenSearch sync on document indexed / deleted.

`documents.signals.document_indexed` and `document_deleted` are sent after commit by the documents app.
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def synonyms_changed(sender, **kwargs):
    from search.question import invalidate_dictionaries
    from search.synonyms import invalidate

    invalidate()
    invalidate_dictionaries()


def products_changed(sender, **kwargs):
    from search.question import invalidate_dictionaries

    invalidate_dictionaries()


def _document_id(kwargs):
    document = kwargs.get("document") or kwargs.get("instance")
    return kwargs.get("document_id") or getattr(document, "pk", None)


def on_document_indexed(sender, **kwargs):
    """Queue the (re)indexing of one document's chunks in OpenSearch when that backend is on."""
    document_id = _document_id(kwargs)
    if settings.SEARCH_BACKEND != "opensearch" or document_id is None:
        return
    from django.db import transaction

    from search.tasks import opensearch_sync_document

    transaction.on_commit(lambda: opensearch_sync_document.enqueue(str(document_id)))


def on_document_deleted(sender, **kwargs):
    document_id = _document_id(kwargs)
    if settings.SEARCH_BACKEND != "opensearch" or document_id is None:
        return
    from django.db import transaction

    from search.tasks import opensearch_delete_document

    transaction.on_commit(lambda: opensearch_delete_document.enqueue(str(document_id)))


def connect_document_signals() -> None:
    from documents import signals

    signals.document_indexed.connect(on_document_indexed, dispatch_uid="search-opensearch-document_indexed")
    signals.document_deleted.connect(on_document_deleted, dispatch_uid="search-opensearch-document_deleted")
