"""The default backend: both legs in PostgreSQL, access and filters inside the SQL of each leg.

Dense leg: pgvector HNSW (cosine) with 0.8's iterative index scans (`hnsw.iterative_scan = relaxed_order`),
so a selective access rule or filter does not starve the list; `hnsw.ef_search` from SEARCH_HNSW_EF_SEARCH.
Lexical leg: the query's tsquery (Kiwi morphemes | synonyms, & exact codes) over the 'simple' tsvector (GIN),
ranked with ts_rank_cd.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count, F
from django.db.models.functions import Length
from pgvector.django import CosineDistance

from documents.models import DocumentChunk
from search.criteria import SearchFilters, apply_filters
from search.lexical import LexicalQuery, phrase_tsquery

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
    matched = candidate_chunks(user, filters).filter(search_vector=tsquery)
    if settings.SEARCH_LEXICAL_RANKING == "ts_rank_cd":
        rows = (
            matched.annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=True))
            .order_by("-rank", "id")
            .values_list("id", "rank")[:limit]
        )
        return list(rows)
    return _bm25(user, lexical, filters, matched, limit=limit)


BM25_K1, BM25_B = 1.2, 0.75


def _corpus_stats(user, filters: SearchFilters) -> tuple[int, float]:
    """(passages the user may search with these filters, their mean lexeme count), cached per access class."""
    access = ("su",) if user.is_superuser else (user.access_level, user.department_id)
    digest = hashlib.sha256(json.dumps([access, filters.as_json()], default=str, sort_keys=True).encode()).hexdigest()
    key = f"search:bm25:{digest[:32]}"
    stats = cache.get(key)
    if stats is None:
        agg = candidate_chunks(user, filters).filter(search_vector__isnull=False).aggregate(
            n=Count("id"), avgdl=Avg(Length("search_vector")))
        stats = (agg["n"] or 0, float(agg["avgdl"] or 1.0))
        cache.set(key, stats, settings.SEARCH_STATS_CACHE_SECONDS)
    return stats


def _bm25(user, lexical: LexicalQuery, filters: SearchFilters, matched, *, limit: int):
    """BM25 over the passages that match the tsquery, in one statement.

    Term frequency = ts_rank_cd of the single term or phrase x 10 (= its number of occurrences, weight D = 0.1);
    document frequency = passages among the matches containing it (the same as in the whole searchable set for
    OR'ed terms); N and the mean length come from the passages this user may search (cached); length = lexemes.
    """
    units = [phrase_tsquery((term,)) for term in lexical.terms]
    units += [phrase_tsquery(p) for p in lexical.synonyms] + [phrase_tsquery(p) for p in lexical.required]
    n, avgdl = _corpus_stats(user, filters)
    m_sql, m_params = matched.order_by().values("id", "search_vector").query.sql_with_params()
    df_columns, scores, params = [], [], list(m_params)
    for i, unit in enumerate(units):
        df_columns.append(f"count(*) FILTER (WHERE m.search_vector @@ to_tsquery('simple', %s)) AS df{i}")
        params.append(unit)
    for i, unit in enumerate(units):
        tf = "(ts_rank_cd(m.search_vector, to_tsquery('simple', %s)) * 10)"
        scores.append(f"ln(1 + (%s - s.df{i} + 0.5) / (s.df{i} + 0.5)) * {tf} * {BM25_K1 + 1} / "
                      f"({tf} + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * length(m.search_vector) / %s))")
        params.extend([max(n, 1), unit, unit, max(avgdl, 1.0)])
    sql = (f"WITH m AS MATERIALIZED ({m_sql}), s AS (SELECT {', '.join(df_columns)} FROM m) "
           f"SELECT m.id, ({' + '.join(scores)}) AS score FROM m, s ORDER BY score DESC, m.id LIMIT %s")
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(chunk_id, float(score)) for chunk_id, score in cursor.fetchall()]
