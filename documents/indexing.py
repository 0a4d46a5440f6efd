"""The last pipeline step: store a document's passages with their embeddings and lexical vectors.

Contract: `replace_chunks(document, drafts)` replaces all chunks of `document` atomically, so a
reprocessed document is never half-indexed. Search reads only what this writes.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction

from core.text import lexical_terms
from documents.embeddings import get_provider
from documents.models import Document, DocumentChunk


@dataclass(frozen=True)
class ChunkDraft:
    text: str
    page: int | None = None
    section: str = ""
    char_start: int = 0
    char_end: int = 0


# Kiwi reads a brand with its dosage form as one word ("리피토정", "세레브렉스캡슐") while reps ask for the brand
# alone ("리피토"); the brand is indexed beside the whole word. At least three letters stay, so "측정" or "일정"
# are left alone.
DOSAGE_FORM = re.compile(r"^(?P<brand>\w{3,}?)(?:서방정|필름코팅정|정|연질캡슐|캡슐|주사액|주사|주|시럽|현탁액|점안액|패취|패치)$")


def index_terms(text: str) -> list[str]:
    """The passage's terms for the lexical leg: Kiwi's, plus the brand of a brand-with-dosage-form word."""
    terms = lexical_terms(text)
    brands = [match["brand"] for term in terms if (match := DOSAGE_FORM.match(term))]
    return terms + brands


def passage_terms(title_terms: list[str], draft: ChunkDraft) -> list[str]:
    """What the lexical leg indexes for a passage: the document's title and the passage's section, then its text,
    so a word of the title or of a heading finds the passages under it (measured in docs/notes/issue-15.md).
    Each part is analysed on its own: joined, Kiwi reads a word differently after the title ("숨김 2 리피토" gave
    리/피/토), while a question is analysed alone."""
    section_terms = index_terms(draft.section) if draft.section else []
    return title_terms + section_terms + index_terms(draft.text)


def replace_chunks(document, drafts: list[ChunkDraft], *, embeddings: list[list[float]] | None = None) -> int:
    if embeddings is None:
        embeddings = get_provider().embed_passages([draft.text for draft in drafts])
    title_terms = index_terms(document.title) if document.title else []
    terms = [passage_terms(title_terms, draft) for draft in drafts]
    chunks = [
        DocumentChunk(document=document, ordinal=ordinal, text=draft.text, page=draft.page, section=draft.section,
                      char_start=draft.char_start, char_end=draft.char_end, token_count=len(draft_terms),
                      embedding=vector)
        for ordinal, (draft, vector, draft_terms) in enumerate(zip(drafts, embeddings, terms, strict=True))
    ]
    with transaction.atomic():
        DocumentChunk.objects.filter(document=document).delete()
        created = DocumentChunk.objects.bulk_create(chunks, batch_size=500)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE documents_documentchunk SET search_vector = to_tsvector('simple', %s) WHERE id = %s",
                [(" ".join(draft_terms), chunk.pk) for chunk, draft_terms in zip(created, terms)],
            )
    return len(created)


def reindex_lexical(document) -> None:
    """Rewrite the lexical vectors of `document`'s passages from their text, section and the document's title (the
    embeddings stay): after the title changed, or after the analyser did (manage.py reindex_lexical)."""
    chunks = list(DocumentChunk.objects.filter(document=document).only("id", "text", "section"))
    title_terms = index_terms(document.title) if document.title else []
    terms = [passage_terms(title_terms, ChunkDraft(text=chunk.text, section=chunk.section)) for chunk in chunks]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE documents_documentchunk SET search_vector = to_tsvector('simple', %s), token_count = %s "
            "WHERE id = %s",
            [(" ".join(chunk_terms), len(chunk_terms), chunk.pk) for chunk, chunk_terms in zip(chunks, terms)],
        )


def reindex_lexical_batch(*, after: str = "", limit: int = 50) -> tuple[int, str]:
    """Rewrite the lexical vectors of the next `limit` documents with passages, in primary-key order after `after`,
    each in its own transaction. Returns how many, and the last key ("" once none is left). Running a batch twice
    writes the same vectors, so a job interrupted half-way is simply run again."""
    documents = Document.objects.filter(pk__in=DocumentChunk.objects.values("document_id")).order_by("pk")
    if after:
        documents = documents.filter(pk__gt=after)
    batch = list(documents.only("pk", "title")[:limit])
    for document in batch:
        reindex_lexical(document)
    return len(batch), (str(batch[-1].pk) if len(batch) == limit else "")
