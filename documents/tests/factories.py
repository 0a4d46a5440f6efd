import hashlib
import uuid

import factory
from django.core.files.base import ContentFile

from documents.indexing import ChunkDraft, replace_chunks
from documents.models import ApprovalState, Document, DocumentType, ProcessingStatus


class DocumentFactory(factory.django.DjangoModelFactory):
    """A processed, approved TXT document visible to L1 users of every department."""

    class Meta:
        model = Document

    id = factory.LazyFunction(uuid.uuid4)
    title = factory.Sequence(lambda n: f"문서 {n}")
    document_type = DocumentType.TXT
    source = factory.LazyAttribute(lambda o: f"{o.title}.txt")
    file = factory.LazyAttribute(lambda o: ContentFile(f"{o.title} {o.id}".encode(), name=o.source))
    checksum = factory.LazyAttribute(lambda o: hashlib.sha256(f"{o.title} {o.id}".encode()).hexdigest())
    size = 100
    mime_type = "text/plain"
    access_level = 1
    department = None
    approval_state = ApprovalState.APPROVED
    status = ProcessingStatus.READY


def make_indexed_document(passages: list[str], **fields) -> Document:
    """A document whose passages are embedded and indexed through the real indexing step."""
    document = DocumentFactory(content="\n".join(passages), **fields)
    replace_chunks(document, [ChunkDraft(text=text, page=i + 1) for i, text in enumerate(passages)])
    return document


def document_manager(**fields):
    """A user holding `documents.manage_documents` (the 문서 관리자 persona), not a superuser."""
    from django.contrib.auth.models import Permission

    from accounts.tests.factories import UserFactory

    user = UserFactory(**fields)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="documents",
                                                     codename="manage_documents"))
    return user
