"""What a search asks for, validated once (search/serializers.py) and applied inside the SQL of every leg
(and translated for OpenSearch)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from core.capabilities import can_search_drafts
from documents.models import Document

MAX_QUERY_LENGTH = 2000  # a query must be shorter (counted before trimming)
DEFAULT_TOP_K = 10
MAX_TOP_K = 50


class InvalidSearch(DomainError):
    code = "invalid_search"


class DraftsNotAllowed(DomainError):
    status_code = 403
    code = "drafts_not_allowed"


@dataclass(frozen=True)
class SearchFilters:
    document_types: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # department codes
    customers: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_drafts: bool = False

    def as_json(self) -> dict:
        out = {}
        for key, value in (("document_type", self.document_types), ("department", self.departments),
                           ("customer", self.customers), ("product", self.products)):
            if value:
                out[key] = list(value)
        if self.metadata:
            out["metadata"] = self.metadata
        if self.created_after:
            out["created_after"] = self.created_after.isoformat()
        if self.created_before:
            out["created_before"] = self.created_before.isoformat()
        if self.include_drafts:
            out["include_drafts"] = True
        return out


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: what `search_run` takes (built by `search.serializers.validated_search_request`)."""

    query: str  # trimmed, not empty, shorter than MAX_QUERY_LENGTH
    top_k: int = DEFAULT_TOP_K  # 1..MAX_TOP_K
    filters: SearchFilters = field(default_factory=SearchFilters)
    session_id: str = ""  # at most 100 characters


def is_plain_integer(value) -> bool:
    """A count sent as a number or text: ASCII digits only ("²".isdigit() is True but int("²") fails), 9 at most."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and len(text) <= 9


def require_drafts_allowed(filters: SearchFilters, *, user) -> SearchFilters:
    """`include_drafts` is a permission, not a format: checked after validation (403, not 400)."""
    if filters.include_drafts and not can_search_drafts(user):
        raise DraftsNotAllowed(_("초안 문서를 검색할 권한이 없습니다. include_drafts를 빼고 다시 검색해 주세요."))
    return filters


def apply_filters(chunks, filters: SearchFilters):
    """Narrow a DocumentChunk queryset in SQL. Access (visible_to) is applied by the caller."""
    chunks = chunks.filter(document__in=Document.objects.searchable(include_drafts=filters.include_drafts))
    if filters.document_types:
        chunks = chunks.filter(document__document_type__in=filters.document_types)
    if filters.departments:
        chunks = chunks.filter(document__department__code__in=filters.departments)
    if filters.metadata:
        chunks = chunks.filter(document__metadata__contains=filters.metadata)
    if filters.created_after:
        chunks = chunks.filter(document__created_at__gte=filters.created_after)
    if filters.created_before:
        chunks = chunks.filter(document__created_at__lte=filters.created_before)
    # Sales relations: values are customer / product primary keys or codes.
    for key, relation, values in (("customer", "customers", filters.customers),
                                  ("product", "products", filters.products)):
        if not values:
            continue
        chunks = chunks.filter(document__in=Document.objects.filter(_relation_rule(relation, values)))
    return chunks


def _relation_rule(relation: str, values):
    target = Document._meta.get_field(relation).related_model
    rule = Q(pk__in=[])  # matches nothing unless a value below matches
    pk_type = target._meta.pk.get_internal_type()
    numeric = [v for v in values if v.isascii() and v.isdigit() and len(v) <= 18]  # fits a bigint
    if pk_type in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField") and numeric:
        rule |= Q(**{f"{relation}__pk__in": numeric})
    elif pk_type == "UUIDField":
        import uuid

        uuids = []
        for v in values:
            try:
                uuids.append(uuid.UUID(v))
            except ValueError:
                pass
        if uuids:
            rule |= Q(**{f"{relation}__pk__in": uuids})
    if any(f.name == "code" for f in target._meta.get_fields()):
        rule |= Q(**{f"{relation}__code__in": values})
    return rule
