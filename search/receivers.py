"""Signal receivers: synonym cache invalidation, and OpenSearch sync when a document changes.

The documents app sends, after commit (documents/signals.py, keyword arguments only):
document_indexed(document_id, chunk_count), document_changed(document_id, fields) and document_deleted(document_id).
With SEARCH_BACKEND=opensearch the first two queue `opensearch_sync_document` (re-send the document's chunks with
its current access level, department, approval and expiry, or drop them when it is no longer processed), the last
`opensearch_delete_document`.
"""

import logging

from django.conf import settings
from django.db import transaction

from documents import signals
from search.question import invalidate_dictionaries
from search.synonyms import invalidate
from search.tasks import opensearch_delete_document, opensearch_sync_document

logger = logging.getLogger(__name__)


def synonyms_changed(sender, **kwargs):
    invalidate()
    invalidate_dictionaries()


def products_changed(sender, **kwargs):
    invalidate_dictionaries()


def on_document_indexed(sender, document_id=None, **kwargs):
    """Queue the (re)indexing of one document's chunks in OpenSearch when that backend is on."""
    invalidate_dictionaries()  # a title may name a product (search.question._titled_products)
    if settings.SEARCH_BACKEND != "opensearch" or document_id is None:
        return
    transaction.on_commit(lambda: opensearch_sync_document.enqueue(str(document_id)))


def on_document_changed(sender, document_id=None, fields=frozenset(), **kwargs):
    """Access level, department, approval, expiry, relations (`fields`) changed: re-sync the document, so the
    index never answers with the access state it had before."""
    on_document_indexed(sender, document_id=document_id)


def on_document_deleted(sender, document_id=None, **kwargs):
    invalidate_dictionaries()
    if settings.SEARCH_BACKEND != "opensearch" or document_id is None:
        return
    transaction.on_commit(lambda: opensearch_delete_document.enqueue(str(document_id)))


def connect_document_signals() -> None:
    signals.document_indexed.connect(on_document_indexed, dispatch_uid="search-opensearch-document_indexed")
    signals.document_changed.connect(on_document_changed, dispatch_uid="search-opensearch-document_changed")
    signals.document_deleted.connect(on_document_deleted, dispatch_uid="search-opensearch-document_deleted")
