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
    """Passages containing at least two query words first (cheap: GIN intersections); when that finds fewer than
    SEARCH_LEXICAL_STRICT_MIN passages, any query word (OR). A large corpus makes the plain OR query rank a large
    share of all passages (see docs/notes/issue-5.md)."""
    strict = lexical.tsquery(at_least_two=True)
    if strict:
        rows = _lexical_rows(user, lexical, filters, strict, limit=limit)
        if len(rows) >= min(limit, settings.SEARCH_LEXICAL_STRICT_MIN):
            return rows
    expression = lexical.tsquery()
    return _lexical_rows(user, lexical, filters, expression, limit=limit) if expression else []


def _lexical_rows(user, lexical, filters, expression: str, *, limit: int) -> list[tuple[int, float]]:
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

    Each query term or phrase is tested once per matching passage (`@@`); passages are short, so term frequency
    is taken as 1 when present (binary BM25). Document frequency = passages among the matches containing the
    term (equal to its frequency in the searchable set for OR'ed terms); N and the mean length (lexemes) come
    from the passages this user may search (cached per access class and filters).
    """
    units = [phrase_tsquery((term,)) for term in lexical.terms]
    units += [phrase_tsquery(p) for p in lexical.synonyms] + [phrase_tsquery(p) for p in lexical.required]
    n, avgdl = _corpus_stats(user, filters)
    m_sql, m_params = matched.order_by().values("id", "search_vector").query.sql_with_params()
    hits = ", ".join(f"(m.search_vector @@ to_tsquery('simple', %s))::int AS h{i}" for i in range(len(units)))
    dfs = ", ".join(f"sum(h{i}) AS df{i}" for i in range(len(units)))
    norm = f"({BM25_K1 + 1} / (1 + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * t.dl / %s)))"
    idf = " + ".join(f"t.h{i} * ln(1 + (%s - s.df{i} + 0.5) / (s.df{i} + 0.5))" for i in range(len(units)))
    sql = (f"WITH m AS ({m_sql}), "
           f"t AS MATERIALIZED (SELECT m.id, length(m.search_vector) AS dl, {hits} FROM m), "
           f"s AS (SELECT {dfs} FROM t) "
           f"SELECT t.id, ({idf}) * {norm} AS score FROM t, s ORDER BY score DESC, t.id LIMIT %s")
    params = [*m_params, *units, *([max(n, 1)] * len(units)), max(avgdl, 1.0), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(chunk_id, float(score)) for chunk_id, score in cursor.fetchall()]
