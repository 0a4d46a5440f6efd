"""The default backend: both legs in PostgreSQL, access and filters inside the SQL of each leg.

Dense leg: pgvector HNSW (cosine) with 0.8's iterative index scans (`hnsw.iterative_scan = relaxed_order`),
so a selective access rule or filter does not starve the list; `hnsw.ef_search` from SEARCH_HNSW_EF_SEARCH.
Lexical leg: the query's tsquery (Kiwi morphemes | synonyms, & exact codes) over the 'simple' tsvector (GIN),
ranked with ts_rank_cd.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F
from pgvector.django import CosineDistance

from documents.models import DocumentChunk
from search.criteria import SearchFilters, apply_filters
from search.lexical import LexicalQuery

NAME = "postgres"


def candidate_chunks(user, filters: SearchFilters):
    return apply_filters(DocumentChunk.objects.visible_to(user), filters)


def dense_leg(user, vector, lexical: LexicalQuery, filters: SearchFilters, *, limit: int,
              ef_search: int | None = None) -> list[tuple[int, float]]:
    chunks = candidate_chunks(user, filters).filter(embedding__isnull=False)
    if lexical.required:
        chunks = chunks.filter(search_vector=SearchQuery(lexical.required_tsquery(), search_type="raw",
                                                         config="simple"))
    ef_search = int(ef_search or settings.SEARCH_HNSW_EF_SEARCH)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute(f"SET LOCAL hnsw.ef_search = {max(1, min(ef_search, 1000))}")
        rows = list(
            chunks.annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")
            .values_list("id", "distance")[:limit]
        )
    # relaxed_order may return neighbours slightly out of order: restore it.
    rows.sort(key=lambda row: (row[1], row[0]))
    return [(chunk_id, 1.0 - distance) for chunk_id, distance in rows]


def lexical_leg(user, lexical: LexicalQuery, filters: SearchFilters, *, limit: int) -> list[tuple[int, float]]:
    expression = lexical.tsquery()
    if not expression:
        return []
    tsquery = SearchQuery(expression, search_type="raw", config="simple")
    rows = (
        candidate_chunks(user, filters)
        .filter(search_vector=tsquery)
        .annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=True))
        .order_by("-rank", "id")
        .values_list("id", "rank")[:limit]
    )
    return list(rows)
