"""The default backend: both legs in PostgreSQL, access and filters inside the SQL of each leg.

Dense leg: pgvector HNSW (cosine) with 0.8's iterative index scans (`hnsw.iterative_scan = relaxed_order`),
so a selective access rule or filter does not starve the list; `hnsw.ef_search` from SEARCH_HNSW_EF_SEARCH.
Lexical leg: the query's tsquery (Kiwi morphemes | synonyms, & exact codes) over the 'simple' tsvector (GIN) of
search_lexical_passage (narrow copies of the chunk tsvectors with their document's access columns), ranked with
BM25 (statistics of the partitions the user may search, MaxScore pruning) or ts_rank_cd.
"""

import math

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import F
from pgvector.django import CosineDistance

from documents.models import DocumentChunk
from search.criteria import SearchFilters, apply_filters
from search.lexical import LexicalQuery, phrase_tsquery
from search.models import LexicalPassage, LexiconPartition, LexiconPartitionTerm

NAME = "postgres"


def candidate_chunks(user, filters: SearchFilters):
    return apply_filters(DocumentChunk.objects.visible_to(user), filters)


def lexical_candidates(user, filters: SearchFilters):
    """The rows the lexical leg may score: search_lexical_passage (one narrow row per passage, kept by triggers)
    within the access rule and `searchable()`, both filters on the row's own copy of its document's columns.
    Other filters (type, department, metadata, dates, customers, products) go through the documents as on the
    chunk table (criteria.apply_filters reads only `document__` relations, which this table has too)."""
    rows = LexicalPassage.objects.visible_to(user).searchable(include_drafts=filters.include_drafts)
    if filters != SearchFilters(include_drafts=filters.include_drafts):
        rows = apply_filters(rows, filters)
    return rows


def dense_leg(user, vector, lexical: LexicalQuery, filters: SearchFilters, *, limit: int,
              ef_search: int | None = None, among: list[int] | None = None) -> list[tuple[int, float]]:
    """Nearest passages by cosine similarity, through the HNSW index.

    `among`: rank just these passages (still through visible_to and the filters) by exact distance instead. The
    caller passes the lexical leg's passages when the query has a code: every result must contain it, and on a
    large corpus the index walks tens of thousands of neighbours to find the few that do (measured in
    docs/notes/issue-5.md), while the passages that contain it are already known.
    """
    chunks = candidate_chunks(user, filters).filter(embedding__isnull=False)
    if lexical.required:
        chunks = chunks.filter(search_vector=SearchQuery(lexical.required_tsquery(), search_type="raw",
                                                         config="simple"))
    if among is not None:
        # No ORDER BY in SQL: the planner must not pick the HNSW index for a handful of known rows.
        rows = sorted(chunks.filter(id__in=among).annotate(distance=CosineDistance("embedding", vector))
                      .order_by().values_list("id", "distance"), key=lambda row: (row[1], row[0]))[:limit]
        return [(chunk_id, 1.0 - distance) for chunk_id, distance in rows]
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


def lexical_leg(user, lexical: LexicalQuery, filters: SearchFilters, *, limit: int, ranking: str | None = None,
                budget: int | None = None, timeout_ms: int | None = None) -> list[tuple[int, float]]:
    """BM25 (or ts_rank_cd) over the passages containing any query word, all required codes, within access.

    Each statement runs under `timeout_ms` (default SEARCH_LEXICAL_TIMEOUT_MS; 0 = none); past it LexicalTimeout is
    raised. `ranking` and `budget` default to SEARCH_LEXICAL_RANKING and SEARCH_LEXICAL_BUDGET (callers of
    search.services pass them from RetrievalConfig).
    """
    ranking = settings.SEARCH_LEXICAL_RANKING if ranking is None else ranking
    timeout_ms = int(settings.SEARCH_LEXICAL_TIMEOUT_MS or 0) if timeout_ms is None else timeout_ms
    expression = lexical.tsquery()
    if not expression:
        return []
    candidates = lexical_candidates(user, filters)
    if ranking == "ts_rank_cd":
        tsquery = SearchQuery(expression, search_type="raw", config="simple")
        rows = (
            candidates.filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=True))
            .order_by("-rank", "id")
            .values_list("id", "rank")[:limit]
        )
        return _with_timeout(lambda: list(rows), timeout_ms)
    candidates = Rows.of(candidates)  # compiled once: building and compiling the rule's queryset costs ms
    partitions = LexiconPartition.objects.searched_by(user, include_drafts=filters.include_drafts)
    return _bm25(lexical, candidates.matching(expression), partitions=partitions, limit=limit, expression=expression,
                 budget=budget, timeout_ms=timeout_ms, candidates=candidates)


class Rows:
    """The SQL of a set of passages (columns id, search_vector), compiled once from a queryset and narrowed by
    tsqueries as SQL text: a MaxScore round adds one condition, without building and compiling the access rule's
    queryset again (a few ms per round in Python; docs/notes/issue-14.md, session 8). PostgreSQL pulls the
    subqueries up, so the plans are those of the queryset with the condition added."""

    def __init__(self, sql: str, params: tuple):
        self.sql, self.params = sql, params

    @classmethod
    def of(cls, rows) -> "Rows":
        if isinstance(rows, Rows):
            return rows
        try:
            sql, params = rows.order_by().values("id", "search_vector").query.sql_with_params()
        except EmptyResultSet:  # .none(): the user may see nothing
            return cls("SELECT NULL::bigint AS id, NULL::tsvector AS search_vector WHERE false", ())
        return cls(sql, tuple(params))

    def matching(self, tsquery: str) -> "Rows":
        return Rows(f"SELECT * FROM ({self.sql}) AS r WHERE r.search_vector @@ to_tsquery('simple', %s)",
                    (*self.params, tsquery))


def _with_timeout(run, timeout_ms: int):
    """Run `run()` (every statement of a leg) with statement_timeout = `timeout_ms` (0 = none), restoring the
    previous value afterwards; a statement cancelled by it raises LexicalTimeout."""
    if timeout_ms <= 0:
        return run()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # read and set in one round trip
                cursor.execute("SELECT current_setting('statement_timeout'), "
                               "set_config('statement_timeout', %s, true)", [f"{timeout_ms}ms"])
                previous = cursor.fetchone()[0]
            result = run()  # on error the savepoint rollback restores the setting
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return result
    except OperationalError as exc:
        if getattr(getattr(exc, "__cause__", None), "sqlstate", None) != "57014":  # query_canceled
            raise
        raise LexicalTimeout(f"lexical leg over {timeout_ms} ms") from exc


BM25_K1, BM25_B = 1.2, 0.75
# Largest length normalisation a passage can get (length -> 0): bounds the score of passages left unscored.
BM25_MAX_NORM = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B))


class LexicalTimeout(Exception):
    """The lexical leg ran past SEARCH_LEXICAL_TIMEOUT_MS; the caller searches with the dense leg alone."""


def lexicon_statistics(phrases: list[tuple[str, ...]], *, partitions) -> tuple[int, float, list[int]]:
    """(passages, their mean lexeme count, passages containing each phrase) over `partitions` (a LexiconPartition
    queryset, normally `searched_by(user)`), from the tables the triggers keep exact: two index lookups per query.
    Summed over the partitions the user may search, the figures depend on no document they cannot see, so
    neither scores nor ranks reveal hidden documents (issue 10). A phrase of several words counts as its rarest
    word (an upper bound: its IDF is never overstated). So does a word with a space (a noun run such as '쇼와 천황',
    which to_tsquery reads as a phrase of its lexemes; no single lexeme has a space, so looked up whole it would
    count 0 passages, get the largest IDF and pass for the rarest word of the query, whatever the budget)."""
    phrases = [tuple(lexeme for word in phrase for lexeme in (word.split() or [word])) for phrase in phrases]
    words = sorted({word for phrase in phrases for word in phrase})
    try:
        p_sql, p_params = partitions.order_by().values("id", "passages", "lexemes").query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing searchable
        return 0, 1.0, [0 for _phrase in phrases]
    # One round trip: the totals (term NULL), then each word's passages over the same partitions.
    sql = (f"SELECT NULL::text, sum(p.passages), sum(p.lexemes) FROM ({p_sql}) AS p "
           f"UNION ALL SELECT t.term, sum(t.passages), NULL FROM {LexiconPartitionTerm._meta.db_table} AS t "
           f"WHERE t.term = ANY(%s) AND t.partition_id IN (SELECT q.id FROM ({p_sql}) AS q) GROUP BY t.term")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*p_params, words, *p_params])
        rows = cursor.fetchall()
    found = {term: total for term, total, _lexemes in rows if term is not None}
    totals = next((total, lexemes) for term, total, lexemes in rows if term is None)
    passages = max(int(totals[0] or 0), 0)
    mean_length = float(totals[1] or 0) / passages if passages else 1.0
    return passages, mean_length, [min(max(int(found.get(word, 0)), 0) for word in phrase) for phrase in phrases]


def _bm25(lexical: LexicalQuery, matched, *, partitions, limit: int, expression: str, budget: int | None = None,
          prune: bool = True, timeout_ms: int | None = None, candidates=None) -> list[tuple[int, float]]:
    """BM25 top-`limit` of `matched` (built on visible_to, so access and filters stay in the SQL), scoring only
    the passages that contain the query's rarest words.

    Binary BM25: each query term or phrase is tested once per passage (`@@`); passages are short, so term
    frequency is 1 when present. IDF, N and the mean length are those of `partitions` (the user's searchable
    visibility classes) and read from the lexicon tables (kept exact by triggers), so a query needs no pass over
    all matching passages to count them.

    MaxScore: alternatives are sorted by IDF and only passages containing one of the rarest ("essential") ones
    are scored; the answer is exact once the limit-th score beats what a passage without them could reach (sum
    of the other IDFs x the largest length normalisation). The essential set widens until that holds, but only
    while the passages it covers (by document frequency) stay within `budget` (SEARCH_LEXICAL_BUDGET, 0 = no
    limit): past it the ranking is that of the passages containing the rare words, and a passage holding only
    common words is left out. Scoring costs per passage, so this bounds the leg's time on a large corpus
    (measured in docs/notes/issue-5.md); a code in the query is required, so it bounds the candidates itself.
    prune=False scores every match (the reference the pruning is tested against).

    `matched` and `candidates` are querysets or Rows (compiled once here either way).
    `candidates`: `matched` before its tsquery filter. When given, a round over the essential words filters on
    (essential words) & (required codes) alone: that implies the whole expression, and the GIN scan then reads
    only the rare words' posting lists instead of also building the bitmap of every common word's passages
    (measured in docs/notes/issue-14.md, session 7).
    """
    budget = settings.SEARCH_LEXICAL_BUDGET if budget is None else budget
    timeout_ms = int(settings.SEARCH_LEXICAL_TIMEOUT_MS or 0) if timeout_ms is None else timeout_ms
    matched = Rows.of(matched)
    candidates = None if candidates is None else Rows.of(candidates)
    phrases = [(term,) for term in lexical.terms] + list(lexical.synonyms)
    alternatives = [phrase_tsquery(p) for p in phrases]
    required = [phrase_tsquery(p) for p in lexical.required]
    units = alternatives + required
    if not units:
        return []
    n, avgdl, dfs = lexicon_statistics(phrases + list(lexical.required), partitions=partitions)
    n = max(n, 1)
    idfs = [math.log(1 + (n - min(df, n) + 0.5) / (df + 0.5)) for df in dfs]
    order = sorted(range(len(alternatives)), key=lambda i: (-idfs[i], i))
    required_idf = sum(idfs[len(alternatives):])
    within_budget = (lambda covered: covered <= budget) if budget > 0 else (lambda covered: True)
    if not prune or not order or (required and within_budget(min(dfs[len(alternatives):]))):
        return _with_timeout(lambda: _score(matched, units, idfs, avgdl, limit=limit), timeout_ms)

    def covered(j):
        return sum(dfs[i] for i in order[:j])

    def narrowed(essential, operator=" | "):
        words = f"({operator.join(alternatives[i] for i in essential)})"
        if candidates is None:
            return matched.matching(f"({expression}) & {words}")
        return candidates.matching(" & ".join([words, *required]))

    if not within_budget(dfs[order[0]]) and len(order) > 1:
        # Even the rarest word is common: score the passages that contain the two rarest words together.
        return _with_timeout(lambda: _score(narrowed(order[:2], " & "), units, idfs, avgdl, limit=limit),
                                  timeout_ms)
    j = 1
    if budget > 0:
        while j < len(order) and within_budget(covered(j + 1)):
            j += 1  # as many rare words as the budget allows: the fewer rounds, the faster
    else:
        while j < len(order) and covered(j) < limit:
            j += 1  # no point scoring fewer passages than the limit
    bound = lambda rest: BM25_MAX_NORM * (sum(idfs[i] for i in rest) + required_idf)  # noqa: E731

    def rounds(j):
        while True:
            essential, rest = order[:j], order[j:]
            rows = _score(narrowed(essential) if rest else matched, units, idfs, avgdl, limit=limit)
            if not rest or (len(rows) >= limit and rows[-1][1] > bound(rest)):
                return rows  # exact
            # Widen straight to the first essential set whose outside can no longer reach the limit-th score.
            theta = rows[-1][1] if len(rows) >= limit else -1.0
            j += 1
            while j < len(order) and bound(order[j:]) >= theta:
                j += 1
            if not within_budget(covered(j)):
                return rows  # the rare words' passages, ranked exactly among themselves

    return _with_timeout(lambda: rounds(j), timeout_ms)  # set once for every round's statement


def _score(subset, units, idfs, avgdl, *, limit):
    subset = Rows.of(subset)
    m_sql, m_params = subset.sql, subset.params
    terms = " + ".join("%s::float8 * (m.search_vector @@ to_tsquery('simple', %s))::int" for _ in units)
    norm = (f"({BM25_K1 + 1}::float8 / (1 + {BM25_K1}::float8 * (1 - {BM25_B}::float8 + {BM25_B}::float8 * "
            "length(m.search_vector) / %s::float8)))")
    params = []
    for idf, unit in zip(idfs, units):
        params += [idf, unit]
    params += [max(avgdl, 1.0)]
    # Scored in the scan's own projection: a MATERIALIZED CTE copied every matched row with its tsvector into a
    # tuplestore first (spilling to disk past work_mem at a few thousand rows; docs/notes/issue-14.md, session 7).
    sql = (f"SELECT m.id, ({terms}) * {norm} AS score FROM ({m_sql}) AS m "
           f"ORDER BY score DESC, m.id LIMIT %s")
    params = [*params, *m_params, limit]  # the score expression comes before the FROM clause
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(chunk_id, float(score)) for chunk_id, score in cursor.fetchall()]
