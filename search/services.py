"""Hybrid retrieval inside PostgreSQL: a dense leg (pgvector HNSW, cosine) and a lexical leg
(Kiwi morphemes against a 'simple' tsvector, ts_rank_cd), fused into one ranking.

Access is part of the SQL of both legs through DocumentChunk.objects.visible_to(user): nothing a
user may not see is scored, returned or counted.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F
from pgvector.django import CosineDistance

from documents.embeddings import get_provider
from documents.korean import lexical_terms
from documents.models import Document, DocumentChunk
from search.types import SearchHit

CANDIDATES_PER_LEG = 50
RRF_K = 60


def _candidate_chunks(user, *, include_drafts=False):
    return DocumentChunk.objects.visible_to(user).filter(
        document__in=Document.objects.searchable(include_drafts=include_drafts)
    )


def dense_leg(user, query: str, *, limit=CANDIDATES_PER_LEG, include_drafts=False) -> list[tuple[int, float]]:
    vector = get_provider().embed_query(query)
    rows = (
        _candidate_chunks(user, include_drafts=include_drafts)
        .annotate(distance=CosineDistance("embedding", vector))
        .order_by("distance")
        .values_list("id", "distance")[:limit]
    )
    return [(chunk_id, 1.0 - distance) for chunk_id, distance in rows]


def lexical_leg(user, query: str, *, limit=CANDIDATES_PER_LEG, include_drafts=False) -> list[tuple[int, float]]:
    terms = sorted(set(lexical_terms(query)))
    if not terms:
        return []
    tsquery = SearchQuery(" | ".join(_quote(term) for term in terms), search_type="raw", config="simple")
    rows = (
        _candidate_chunks(user, include_drafts=include_drafts)
        .filter(search_vector=tsquery)
        .annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=True))
        .order_by("-rank", "id")
        .values_list("id", "rank")[:limit]
    )
    return list(rows)


def _quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def reciprocal_rank_fusion(*legs: list[tuple[int, float]], k=RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for leg in legs:
        for rank, (chunk_id, _score) in enumerate(leg, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return fused


def search_chunks(*, user, query: str, top_k: int = 10, filters: dict | None = None) -> list[SearchHit]:
    filters = filters or {}
    include_drafts = bool(filters.get("include_drafts"))
    dense = dense_leg(user, query, include_drafts=include_drafts)
    lexical = lexical_leg(user, query, include_drafts=include_drafts)
    fused = reciprocal_rank_fusion(dense, lexical)
    ranked = sorted(fused, key=lambda chunk_id: -fused[chunk_id])[:top_k]
    dense_scores, lexical_scores = dict(dense), dict(lexical)
    chunks = DocumentChunk.objects.select_related("document").in_bulk(ranked)
    return [
        SearchHit(
            chunk_id=chunk_id,
            document_id=chunks[chunk_id].document_id,
            document_title=chunks[chunk_id].document.title,
            document_type=chunks[chunk_id].document.document_type,
            document_version=chunks[chunk_id].document.version,
            page=chunks[chunk_id].page,
            text=chunks[chunk_id].text,
            score=fused[chunk_id],
            dense_score=dense_scores.get(chunk_id),
            lexical_score=lexical_scores.get(chunk_id),
        )
        for chunk_id in ranked
    ]
