"""Signal receivers: synonym cache invalidation, and OpenSearch sync on document indexed / deleted.

The documents app defines `documents.signals.document_indexed` (sender=Document class, document=...) and
`document_deleted` (document_id=...). Until that module exists, connect_document_signals() does nothing;
the receivers are plain functions that can be connected by hand.
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def synonyms_changed(sender, **kwargs):
    from search.synonyms import invalidate

    invalidate()


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


def connect_document_signals() -> bool:
    try:
        from documents import signals
    except ImportError:
        logger.debug("documents.signals does not exist yet; OpenSearch sync receivers not connected")
        return False
    connected = False
    for name, receiver in (("document_indexed", on_document_indexed), ("document_deleted", on_document_deleted)):
        signal = getattr(signals, name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"search-opensearch-{name}")
            connected = True
    return connected
