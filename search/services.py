"""Hybrid retrieval and the search log.

`search_chunks(*, user, query, top_k=10, filters=None) -> list[SearchHit]` is the contract used by chat
and the API. Access is part of the SQL of both legs through DocumentChunk.objects.visible_to(user):
nothing a user may not see is scored, returned or counted. `search_run(user=, search=)` takes a request
validated by `search.serializers.validated_search_request` and adds the answer (search/composer.py) and the
log (SearchQuery + SearchResponse); `feedback_submit()` records a rating.
"""

import logging
import math
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound

from documents.embeddings import get_provider
from documents.models import DocumentChunk
from search.backends import opensearch, postgres
from search.composer import compose, passages_from_hits
from search.config import RetrievalConfig
from search.criteria import InvalidSearch, SearchRequest, is_plain_integer
from search.fusion import FusionConfig, fuse
from search.highlight import highlight
from search.lexical import LexicalQuery, analyse
from search.models import LexicalPassage, LexiconPartition, SearchQuery, SearchResponse, UserFeedback
from search.serializers import parse_filters
from search.types import SearchHit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieval:
    hits: list[SearchHit]
    dense: list[tuple[int, float]]
    lexical: list[tuple[int, float]]
    backend: str
    lexical_query: LexicalQuery


def query_vector_key() -> tuple[str, str, int]:
    """What a cached query vector depends on besides the query: provider, model and dimension (read now, so a
    change of EMBEDDING_MODEL or EMBEDDING_DIMENSIONS never serves a vector of the previous model)."""
    return settings.EMBEDDING_PROVIDER, settings.EMBEDDING_MODEL, settings.EMBEDDING_DIMENSIONS


@lru_cache(maxsize=2048)
def _query_vector(provider_name: str, model: str, dimensions: int, query: str) -> tuple[float, ...]:
    """Repeated queries (the dashboard's top queries) skip the embedding model, the slowest step on CPU.
    Keyed by `query_vector_key()` and the query."""
    return tuple(get_provider().embed_query(query))


# One thread per process embeds queries, so the model (a C engine that releases the GIL) works while this
# thread waits on the lexical leg in PostgreSQL; one at a time, as the in-process model is not re-entrant.
_embedder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-embedding")
# Lexical legs run on these threads, each on its own database connection, while the searching thread waits for
# the query vector and runs the dense leg on its own (docs/notes/issue-14.md, session 9). Threads start as needed.
_lexical_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lexical-leg")


def _lexical_hits(user, query, lexical, filters, *, candidates, config: RetrievalConfig):
    try:
        return postgres.lexical_leg(user, lexical, filters, limit=candidates, ranking=config.lexical_ranking,
                                    budget=config.lexical_budget, timeout_ms=config.lexical_timeout_ms)
    except postgres.LexicalTimeout as exc:
        logger.warning("Lexical leg timed out, answering with the dense leg alone: %s (query %r)", exc, query[:100])
        return []


def _on_own_connection(run, *args, **kwargs):
    """`run(*args, **kwargs)` on a worker thread, whose connection is handled as Django handles a request's: closed
    before and after when broken or past CONN_MAX_AGE (given back to the pool when there is one)."""
    close_old_connections()
    try:
        return run(*args, **kwargs)
    finally:
        close_old_connections()


def _legs(user, query, lexical, filters, *, candidates, ef_search, config: RetrievalConfig):
    pending_vector = _embedder.submit(_query_vector, *query_vector_key(), query)
    if config.backend == "opensearch":
        try:
            vector = list(pending_vector.result())
            dense, lexical_hits = opensearch.legs(user, query, vector, lexical, filters, limit=candidates)
            return dense, lexical_hits, opensearch.NAME
        except opensearch.Unavailable as exc:
            logger.warning("OpenSearch unreachable, searching PostgreSQL instead: %s", exc)
    ef_search = ef_search or config.ef_search
    lexical_args = (user, query, lexical, filters)
    # Side by side unless the dense leg needs the lexical leg's passages (a code in the query) or the caller is in
    # a transaction (another connection would not see its uncommitted rows).
    if config.parallel_legs and not lexical.required and not connection.in_atomic_block:
        pending_lexical = _lexical_threads.submit(_on_own_connection, _lexical_hits, *lexical_args,
                                                  candidates=candidates, config=config)
        dense = postgres.dense_leg(user, list(pending_vector.result()), lexical, filters, limit=candidates,
                                   ef_search=ef_search)
        if pending_lexical.cancel():  # every lexical thread busy: run it here rather than wait for one
            return dense, _lexical_hits(*lexical_args, candidates=candidates, config=config), postgres.NAME
        return dense, pending_lexical.result(), postgres.NAME
    lexical_hits = _lexical_hits(*lexical_args, candidates=candidates, config=config)
    vector = list(pending_vector.result())
    among = [chunk_id for chunk_id, _score in lexical_hits] if lexical.required and lexical_hits else None
    dense = postgres.dense_leg(user, vector, lexical, filters, limit=candidates, ef_search=ef_search, among=among)
    return dense, lexical_hits, postgres.NAME


def retrieve(*, user, query: str, top_k: int = 10, filters=None, fusion: FusionConfig | None = None,
             candidates: int | None = None, ef_search: int | None = None,
             per_document: int | None = None, config: RetrievalConfig | None = None) -> Retrieval:
    """Both legs, the fused top_k as hits, and which backend answered (for the admin's retrieval test).

    `config`: the retrieval settings, read once per query (default `RetrievalConfig.from_settings()`)."""
    config = config or RetrievalConfig.from_settings()
    fusion = fusion or config.fusion
    filters = parse_filters(filters, user=user)
    lexical = analyse(query)
    candidates = max(candidates or config.candidates, top_k)
    dense, lexical_hits, backend = _legs(user, query, lexical, filters, candidates=candidates, ef_search=ef_search,
                                       config=config)
    fused = fuse(dense, lexical_hits, fusion)
    if config.rank_documents:
        document_of, terms_of = _candidates(user, fused, query_words(lexical))
        partitions = LexiconPartition.objects.searched_by(user, include_drafts=filters.include_drafts)
        fused = order_by_document(fused, dense, lexical, document_of, terms_of, fusion, partitions=partitions)
    else:
        document_of, _terms = _candidates(user, fused, [])
    per_document = config.passages_per_document if per_document is None else per_document
    ranked = spread_documents(fused, document_of, top_k=top_k, per_document=per_document)
    hits = _hydrate(user, ranked, dict(dense), dict(lexical_hits), lexical)
    return Retrieval(hits=hits, dense=dense, lexical=lexical_hits, backend=backend, lexical_query=lexical)


def query_words(lexical: LexicalQuery) -> list[str]:
    return sorted(set(lexical.terms).union(*(set(phrase) for phrase in lexical.synonyms)))


def _candidates(user, ranked, words: list[str]) -> tuple[dict[int, object], dict[int, set[str]]]:
    """Each fused passage's document and which of `words` its tsvector holds (intersected in SQL, so only the
    few matching lexemes travel), within the access rule.

    Read from search_lexical_passage: the rule is a filter on its rows' own columns, and its tsvectors are inline,
    while the chunk table's plan joined every visible document and read each wide chunk row (0.6-0.7x the time,
    docs/notes/issue-14.md, session 9). A passage without a tsvector has no row there: its document comes from the
    chunk table."""
    ids = [chunk_id for chunk_id, _score in ranked]
    rows = LexicalPassage.objects.visible_to(user).filter(id__in=ids)
    document_of, terms_of = {}, {}
    if words:
        found = RawSQL(f"ARRAY(SELECT unnest(tsvector_to_array({LexicalPassage._meta.db_table}.search_vector)) "
                       "INTERSECT SELECT unnest(%s::text[]))", (words,))
        for chunk_id, document_id, terms in rows.annotate(found=found).values_list("id", "document_id", "found"):
            document_of[chunk_id], terms_of[chunk_id] = document_id, set(terms or ())
    else:
        document_of = dict(rows.values_list("id", "document_id"))
    if missing := set(ids) - document_of.keys():
        document_of.update(DocumentChunk.objects.visible_to(user).filter(id__in=missing).order_by()
                           .values_list("id", "document_id"))
    return document_of, terms_of


def order_by_document(fused, dense, lexical: LexicalQuery, document_of: dict, terms_of: dict[int, set[str]],
                      fusion: FusionConfig | None = None, *, partitions) -> list[tuple[int, float]]:
    """The fused passages regrouped so documents come in the order of a fusion at the document level.

    A document's lexical score is the IDF-weighted sum of the query's words found anywhere in its candidate
    passages (a drug named by any name of its synonym group counts once), its dense score that of its best
    passage. A question often names the product in one passage
    ("로수바스타틴" in the overview) and the attribute in another ("시작 용량" under 용법·용량); the document that
    holds both then ranks above those that hold only the attribute, without favouring a document for being
    long (measured in docs/notes/issue-15.md). Within a document the passages keep their fused order.
    IDF comes from `partitions` (the user's searchable ones), like the lexical leg's, so hidden documents change
    no ranking.
    """
    # The names of a synonym group are one concept: a document naming any of them covers it once.
    names = [set(phrase) for phrase in lexical.synonyms]
    name_words = set().union(*names)
    words = sorted(set(lexical.terms) - name_words)
    statistics_for = sorted(set(words) | name_words)
    if not statistics_for:
        return fused
    total, _mean, frequencies = postgres.lexicon_statistics([(word,) for word in statistics_for], partitions=partitions)
    idf = {word: math.log(1 + (total - df + 0.5) / (df + 0.5)) for word, df in zip(statistics_for, frequencies)
           if df > 0}
    name_weight = max((idf[word] for word in name_words if word in idf), default=0.0)
    found_terms = defaultdict(set)
    for chunk_id, _score in fused:
        if (document_id := document_of.get(chunk_id)) is not None:
            found_terms[document_id] |= terms_of.get(chunk_id, set())

    def coverage(terms: set[str]) -> float:
        score = sum(idf.get(word, 0.0) for word in words if word in terms)
        return score + (name_weight if any(name <= terms for name in names) else 0.0)

    document_lexical = sorted(((d, coverage(terms)) for d, terms in found_terms.items()), key=lambda item: -item[1])
    document_lexical = [(d, score) for d, score in document_lexical if score > 0]
    dense_best = {}
    for chunk_id, score in dense:
        if (document_id := document_of.get(chunk_id)) is not None:
            dense_best.setdefault(document_id, score)
    document_dense = sorted(dense_best.items(), key=lambda item: -item[1])
    place = {document_id: n for n, (document_id, _s) in enumerate(fuse(document_dense, document_lexical, fusion))}
    return sorted(fused, key=lambda item: place.get(document_of.get(item[0]), len(place)))


def spread_documents(ranked, document_of: dict, *, top_k: int, per_document: int) -> list[tuple[int, float]]:
    """The fused passages with at most `per_document` of each document (0 = no cap) until top_k are chosen.

    A long document cut into many passages would otherwise fill the top results with itself and push every
    other document out (measured in docs/notes/issue-15.md); a document ranks by its best passage. When there
    are fewer documents than places, the passages held back fill the rest in fused order.
    """
    if per_document <= 0:
        return [item for item in ranked if item[0] in document_of][:top_k]
    chosen, held_back, taken = [], [], Counter()
    for chunk_id, score in ranked:
        document_id = document_of.get(chunk_id)
        if document_id is None:
            continue
        if taken[document_id] < per_document:
            chosen.append((chunk_id, score))
            taken[document_id] += 1
            if len(chosen) == top_k:
                return chosen
        else:
            held_back.append((chunk_id, score))
    return chosen + held_back[:top_k - len(chosen)]


def _hydrate(user, ranked, dense_scores, lexical_scores, lexical: LexicalQuery) -> list[SearchHit]:
    # visible_to again: hits from an external index are re-checked against the access rule in SQL.
    # only(): a chunk row also holds its vector and tsvector, and a document its whole extracted text.
    chunks = (
        DocumentChunk.objects.visible_to(user).select_related("document")
        .only("id", "document_id", "page", "section", "text", "document__title", "document__document_type",
              "document__version")
        .in_bulk([cid for cid, _s in ranked])
    )
    hits = []
    for chunk_id, score in ranked:
        chunk = chunks.get(chunk_id)
        if chunk is None:
            continue
        hits.append(SearchHit(
            chunk_id=chunk_id,
            document_id=chunk.document_id,
            document_title=chunk.document.title,
            document_type=chunk.document.document_type,
            document_version=chunk.document.version,
            page=chunk.page,
            text=chunk.text,
            score=score,
            dense_score=dense_scores.get(chunk_id),
            lexical_score=lexical_scores.get(chunk_id),
            highlights=highlight(chunk.text, lexical.highlight_words),
            section=chunk.section,
        ))
    return hits


def search_chunks(*, user, query: str, top_k: int = 10, filters: dict | None = None,
                  fusion: FusionConfig | None = None, per_document: int | None = None,
                  config: RetrievalConfig | None = None) -> list[SearchHit]:
    """`per_document`: passages of one document before another's second (default SEARCH_PASSAGES_PER_DOCUMENT;
    0 = no cap, for a reader of evidence that wants every passage of the best document)."""
    return retrieve(user=user, query=query, top_k=top_k, filters=filters, fusion=fusion,
                    per_document=per_document, config=config).hits


@dataclass(frozen=True)
class SearchOutcome:
    query_id: uuid.UUID
    hits: list[SearchHit]
    answer: str
    cited: list[int]
    response_time_ms: int
    backend: str
    answerable: bool
    confidence: float


def search_run(*, user, search: SearchRequest, config: RetrievalConfig | None = None) -> SearchOutcome:
    """Retrieve, compose the extractive answer and log query + response. `search` is already validated (and its
    drafts permission checked) by `validated_search_request`; `config` is read once here for the whole query."""
    config = config or RetrievalConfig.from_settings()
    started = time.perf_counter()
    retrieval = retrieve(user=user, query=search.query, top_k=search.top_k, filters=search.filters, config=config)
    composed = compose(search.query, passages_from_hits(retrieval.hits))
    answer, cited = composed.inline(), composed.cited
    elapsed_ms = int(round((time.perf_counter() - started) * 1000))
    sources = [
        {"n": n, "chunk_id": hit.chunk_id, "document_id": str(hit.document_id), "title": hit.document_title,
         "page": hit.page, "score": round(hit.score, 6)}
        for n, hit in enumerate(retrieval.hits, start=1)
    ]
    log = SearchQuery(user=user, text=search.query, session_id=search.session_id, filters=search.filters.as_json(),
                      top_k=search.top_k)
    response = SearchResponse(query=log, answer=answer, sources=sources, result_count=len(retrieval.hits),
                              response_time_ms=elapsed_ms, backend=retrieval.backend)
    _log_write(log, response)
    return SearchOutcome(query_id=log.id, hits=retrieval.hits, answer=answer, cited=cited,
                         response_time_ms=elapsed_ms, backend=retrieval.backend, answerable=composed.answerable,
                         confidence=composed.confidence)


def _log_write(log: SearchQuery, response: SearchResponse) -> None:
    """Both rows in one transaction, before the response, so a rating sent right after finds its query.

    The field checks of full_clean without its queries: the user and the query are the objects just used, and the
    one-to-one is new, so the database constraints cover the rest. Two INSERTs instead of five statements (which
    took 10 % of a search, issue 14).
    """
    log.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    response.full_clean(exclude=["query"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        SearchQuery.objects.bulk_create([log])
        SearchResponse.objects.bulk_create([response])


def feedback_submit(*, user, query_id, rating, comment: str = "") -> tuple[UserFeedback, bool]:
    """One rating per user and query; a repeat updates it. Another user's query is 404."""
    query = SearchQuery.objects.filter(pk=query_id, user=user).first()
    if query is None:
        raise NotFound(_("검색 기록을 찾을 수 없습니다."))
    if isinstance(rating, bool) or not isinstance(rating, (int, str)) or not is_plain_integer(rating) \
            or not 1 <= int(rating) <= 5:
        raise InvalidSearch(_("rating은 1부터 5 사이의 정수여야 합니다."))
    if comment is None:
        comment = ""
    if not isinstance(comment, str) or len(comment) > 5000:
        raise InvalidSearch(_("comment는 5,000자 이하의 문자열이어야 합니다."))
    with transaction.atomic():
        feedback = UserFeedback.objects.select_for_update().filter(query=query, user=user).first()
        created = feedback is None
        if created:
            feedback = UserFeedback(query=query, user=user)
        feedback.rating = int(rating)
        feedback.comment = comment
        feedback.full_clean(validate_constraints=False)
        feedback.save()
    return feedback, created
