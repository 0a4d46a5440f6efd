"""OpenSearch backend (SEARCH_BACKEND=opensearch) for deployments that outgrow one PostgreSQL.

One index `<OPENSEARCH_INDEX_PREFIX>-chunks`, a document per chunk: `embedding` (knn_vector, HNSW, cosine,
lucene engine so filters apply during the graph search), `text` analysed with `nori`, and keyword fields
for access level, department (code and id), uploader, document, type and approval (`document_source`).
The access rule is not written here: `filter_clauses` renders documents.visibility (the rule behind
Document.objects.visible_to and .searchable) as OpenSearch clauses, plus the search filters, into both
queries; hits are then loaded from PostgreSQL through visible_to(user) once more.
The index follows the documents app's signals (search/receivers.py): document_indexed, document_changed and
document_deleted re-sync or drop one document's chunks (`sync_document`: only processed documents are indexed).
Any transport failure raises Unavailable, and search.services falls back to PostgreSQL.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone as dj_timezone

from documents.models import DocumentChunk, ProcessingStatus
from documents.visibility import Searchable, Visibility
from search.criteria import SearchFilters
from search.lexical import LexicalQuery

logger = logging.getLogger(__name__)

NAME = "opensearch"
BULK_CHUNKS = 500


class Unavailable(Exception):
    """OpenSearch is not configured, unreachable or answered with an error."""


def index_name() -> str:
    return f"{settings.OPENSEARCH_INDEX_PREFIX}-chunks"


def client():
    if not settings.OPENSEARCH_URL:
        raise Unavailable("OPENSEARCH_URL is not set")
    from opensearchpy import OpenSearch

    auth = (settings.OPENSEARCH_USER, settings.OPENSEARCH_PASSWORD) if settings.OPENSEARCH_USER else None
    return OpenSearch(hosts=[settings.OPENSEARCH_URL], http_auth=auth, timeout=settings.OPENSEARCH_TIMEOUT,
                      max_retries=0, retry_on_timeout=False)


def _call(fn, *args, **kwargs):
    from opensearchpy.exceptions import ConnectionError as OSConnectionError
    from opensearchpy.exceptions import TransportError

    try:
        return fn(*args, **kwargs)
    except (OSConnectionError, TransportError) as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc


def index_body() -> dict:
    return {
        "settings": {
            "index": {"knn": True, "number_of_shards": 1},
            "analysis": {"analyzer": {"korean": {
                "type": "custom", "tokenizer": "nori_tokenizer",
                "filter": ["lowercase", "nori_part_of_speech", "nori_readingform"],
            }}},
        },
        "mappings": {"properties": {
            "chunk_id": {"type": "long"},
            "document_id": {"type": "keyword"},
            "title": {"type": "text", "analyzer": "korean"},
            "text": {"type": "text", "analyzer": "korean"},
            "embedding": {"type": "knn_vector", "dimension": settings.EMBEDDING_DIMENSIONS, "method": {
                "name": "hnsw", "space_type": "cosinesimil", "engine": "lucene",
                "parameters": {"m": 16, "ef_construction": 64},
            }},
            "access_level": {"type": "keyword"},
            "department": {"type": "keyword"},
            "department_id": {"type": "keyword"},
            "uploaded_by": {"type": "keyword"},
            "document_type": {"type": "keyword"},
            "approval_state": {"type": "keyword"},
            "status": {"type": "keyword"},
            "valid_until": {"type": "date"},
            "created_at": {"type": "date"},
            "customers": {"type": "keyword"},
            "products": {"type": "keyword"},
            "metadata": {"type": "flat_object"},
        }},
    }


def ensure_index(*, recreate: bool = False, os_client=None) -> bool:
    """Create the index when missing (or drop and create it). True when it was created."""
    os_client = os_client or client()
    exists = _call(os_client.indices.exists, index=index_name())
    if exists and recreate:
        _call(os_client.indices.delete, index=index_name())
        exists = False
    if not exists:
        _call(os_client.indices.create, index=index_name(), body=index_body())
        return True
    return False


def _related_codes(document, relation: str) -> list[str]:
    manager = getattr(document, relation, None)
    if manager is None or not hasattr(manager, "all"):
        return []
    return [str(v) for obj in manager.all() for v in (obj.pk, getattr(obj, "code", None)) if v is not None]


def document_source(document) -> dict:
    """The fields of an index document that come from its Document: those the access rule
    (documents.visibility) and the search filters read. Ids and levels are keyword strings."""
    return {
        "document_id": str(document.pk),
        "title": document.title,
        "access_level": str(document.access_level),
        "department": document.department.code if document.department_id else None,
        "department_id": str(document.department_id) if document.department_id else None,
        "uploaded_by": str(document.uploaded_by_id) if document.uploaded_by_id else None,
        "document_type": document.document_type,
        "approval_state": document.approval_state,
        "status": document.status,
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "created_at": document.created_at.isoformat(),
        "customers": _related_codes(document, "customers"),
        "products": _related_codes(document, "products"),
        "metadata": document.metadata or {},
    }


def chunk_source(chunk) -> dict:
    return {
        "chunk_id": chunk.pk,
        **document_source(chunk.document),
        "text": chunk.text,
        "embedding": [float(x) for x in chunk.embedding] if chunk.embedding is not None else None,
    }


def bulk_index(chunks, *, os_client=None) -> int:
    import json

    os_client = os_client or client()
    lines = []
    for chunk in chunks:
        lines.append(json.dumps({"index": {"_index": index_name(), "_id": str(chunk.pk)}}))
        lines.append(json.dumps(chunk_source(chunk), ensure_ascii=False))
    if not lines:
        return 0
    result = _call(os_client.bulk, body="\n".join(lines) + "\n")
    if result.get("errors"):
        failed = [item for item in result.get("items", []) if item.get("index", {}).get("error")]
        raise Unavailable(f"bulk indexing failed for {len(failed)} chunks: {failed[:1]}")
    return len(lines) // 2


def delete_document(document_id, *, os_client=None) -> int:
    os_client = os_client or client()
    result = _call(os_client.delete_by_query, index=index_name(),
                   body={"query": {"term": {"document_id": str(document_id)}}}, params={"refresh": "true"})
    return int(result.get("deleted", 0))


def sync_document(document_id, *, os_client=None) -> int:
    """Replace one document's chunks in the index with what PostgreSQL holds now (access level, department,
    approval, expiry, relations...). A document that is gone or not (yet, or no longer) fully processed is only
    removed: search would not reach it (documents.visibility.Searchable) until document_indexed brings it back."""
    os_client = os_client or client()
    ensure_index(os_client=os_client)
    delete_document(document_id, os_client=os_client)
    chunks = (DocumentChunk.objects.filter(document_id=document_id, document__status=ProcessingStatus.READY)
              .select_related("document__department").prefetch_related("document__customers",
                                                                        "document__products"))
    return bulk_index(chunks, os_client=os_client)


def filter_clauses(user, filters: SearchFilters, *, now: datetime | None = None) -> list[dict]:
    """The access rule, what search reaches (processed, unexpired, the searched approval states) and the search
    filters as OpenSearch filter clauses. The first two are documents.visibility's, the same values the SQL
    of Document.objects.visible_to(user).searchable(include_drafts=...) is rendered from."""
    now = now or dj_timezone.now()
    clauses: list[dict] = [
        *Visibility.for_user(user, now=now).as_opensearch_clauses(),
        *Searchable.for_search(include_drafts=filters.include_drafts, now=now).as_opensearch_clauses(),
    ]
    if filters.document_types:
        clauses.append({"terms": {"document_type": list(filters.document_types)}})
    if filters.departments:
        clauses.append({"terms": {"department": list(filters.departments)}})
    if filters.customers:
        clauses.append({"terms": {"customers": list(filters.customers)}})
    if filters.products:
        clauses.append({"terms": {"products": list(filters.products)}})
    for key, value in (filters.metadata or {}).items():
        values = value if isinstance(value, list) else [value]
        clauses.extend({"term": {f"metadata.{key}": v}} for v in values)
    if filters.created_after or filters.created_before:
        bounds = {}
        if filters.created_after:
            bounds["gte"] = filters.created_after.isoformat()
        if filters.created_before:
            bounds["lte"] = filters.created_before.isoformat()
        clauses.append({"range": {"created_at": bounds}})
    return clauses


def query_bodies(user, query: str, vector, lexical: LexicalQuery, filters: SearchFilters, *, limit: int):
    clauses = filter_clauses(user, filters)
    required = [{"match_phrase": {"text": " ".join(phrase)}} for phrase in lexical.required]
    dense = {
        "size": limit, "_source": False,
        "query": {"knn": {"embedding": {"vector": list(vector), "k": limit,
                                        "filter": {"bool": {"filter": clauses + required}}}}},
    }
    should = [{"match": {"text": {"query": query}}}]
    should += [{"match_phrase": {"text": " ".join(phrase)}} for phrase in lexical.synonyms]
    lexical_body = {
        "size": limit, "_source": False,
        "query": {"bool": {"filter": clauses, "must": required, "should": should, "minimum_should_match": 1}},
    }
    return dense, lexical_body


def legs(user, query: str, vector, lexical: LexicalQuery, filters: SearchFilters, *, limit: int):
    os_client = client()
    dense_body, lexical_body = query_bodies(user, query, vector, lexical, filters, limit=limit)
    dense = _call(os_client.search, index=index_name(), body=dense_body)
    lexical_hits = _call(os_client.search, index=index_name(), body=lexical_body)
    return _pairs(dense), _pairs(lexical_hits)


def _pairs(result) -> list[tuple[int, float]]:
    return [(int(hit["_id"]), float(hit.get("_score") or 0.0)) for hit in result.get("hits", {}).get("hits", [])]


def ping() -> str:
    """Cluster health status ('green', 'yellow', 'red'); raises Unavailable."""
    result = _call(client().cluster.health)
    return str(result.get("status", "unknown"))
