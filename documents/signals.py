"""Signals other apps connect to (e.g. search, to keep an OpenSearch index in step).

Both are sent after the transaction that caused them has committed, so a receiver never sees
something that was rolled back.

- document_indexed(sender=Document, document_id=UUID, chunk_count=int): the chunks were replaced.
- document_deleted(sender=Document, document_id=UUID): the document and its chunks are gone.
"""

from django.dispatch import Signal

document_indexed = Signal()
document_deleted = Signal()
