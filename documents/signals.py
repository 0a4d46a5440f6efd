"""Signals other apps connect to (e.g. search, to keep an OpenSearch index in step).

All are sent after the transaction that caused them has committed, so a receiver never sees
something that was rolled back. Receivers get keyword arguments only:

- document_indexed(sender=Document, document_id=UUID, chunk_count=int): the chunks were replaced.
- document_deleted(sender=Document, document_id=UUID): the document and its chunks are gone.
- document_changed(sender=Document, document_id=UUID, fields=frozenset[str]): a service changed what decides
  who sees the document or what an index holds about it. `fields` names what changed: model fields
  ("access_level", "department", "approval_state", "valid_until", "title", "metadata", "status") and
  relations ("customers", "products", ...). Sent by documents.services (document_update,
  document_set_approval and through it document_review / document_retire, document_reprocess,
  document_replace_file), the expire_documents job, and the admin when it saves relations.
"""

from django.db import transaction
from django.dispatch import Signal

from documents.models import Document

document_indexed = Signal()
document_deleted = Signal()
document_changed = Signal()


def send_document_changed_on_commit(document_id, fields) -> None:
    """Send document_changed(document_id, fields) once the current transaction commits (now, outside one)."""
    changed = frozenset(fields)
    if not changed:
        return
    transaction.on_commit(lambda: document_changed.send(sender=Document, document_id=document_id, fields=changed))
