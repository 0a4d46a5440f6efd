"""Search filters: validated once, applied inside the SQL of every leg (and translated for OpenSearch)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from core.capabilities import can_search_drafts
from documents.models import DocumentType

ALLOWED_KEYS = {"document_type", "department", "customer", "product", "metadata", "created_after",
                "created_before", "include_drafts"}


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


def _strings(key, value) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, (str, int)) and str(v).strip() for v in values):
        raise InvalidSearch(_("필터 '%(key)s'에는 문자열 또는 문자열 목록을 넣어 주세요.") % {"key": key})
    return tuple(str(v).strip() for v in values)


def _moment(key, value, *, end_of_day=False) -> datetime:
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, datetime.max.time() if end_of_day else datetime.min.time())
        if moment is not None:
            return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    raise InvalidSearch(_("필터 '%(key)s'는 YYYY-MM-DD 또는 ISO 8601 날짜·시각이어야 합니다.") % {"key": key})


def parse_filters(raw, *, user) -> SearchFilters:
    """Validate the API's `filters` object. Unknown keys and malformed values are refused with a message."""
    if raw in (None, ""):
        return SearchFilters()
    if isinstance(raw, SearchFilters):
        return raw
    if not isinstance(raw, dict):
        raise InvalidSearch(_("filters는 객체여야 합니다."))
    unknown = sorted(set(raw) - ALLOWED_KEYS)
    if unknown:
        raise InvalidSearch(
            _("알 수 없는 필터입니다: %(unknown)s. 사용할 수 있는 필터: %(allowed)s")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(ALLOWED_KEYS))}
        )
    values = {}
    if "document_type" in raw:
        types = tuple(t.upper() for t in _strings("document_type", raw["document_type"]))
        bad = [t for t in types if t not in DocumentType.values]
        if bad:
            raise InvalidSearch(_("알 수 없는 문서 유형입니다: %(bad)s. 가능한 값: %(allowed)s")
                                % {"bad": ", ".join(bad), "allowed": ", ".join(DocumentType.values)})
        values["document_types"] = types
    for key, name in (("department", "departments"), ("customer", "customers"), ("product", "products")):
        if key in raw:
            values[name] = _strings(key, raw[key])
    if "metadata" in raw:
        if not isinstance(raw["metadata"], dict) or not raw["metadata"]:
            raise InvalidSearch(_("metadata 필터는 비어 있지 않은 객체여야 합니다 (예: {\"product_code\": \"ATV10\"})."))
        values["metadata"] = raw["metadata"]
    if raw.get("created_after") is not None:
        values["created_after"] = _moment("created_after", raw["created_after"])
    if raw.get("created_before") is not None:
        values["created_before"] = _moment("created_before", raw["created_before"], end_of_day=True)
    if "include_drafts" in raw:
        if not isinstance(raw["include_drafts"], bool):
            raise InvalidSearch(_("include_drafts는 true 또는 false여야 합니다."))
        if raw["include_drafts"] and not can_search_drafts(user):
            raise DraftsNotAllowed(_("초안 문서를 검색할 권한이 없습니다. include_drafts를 빼고 다시 검색해 주세요."))
        values["include_drafts"] = raw["include_drafts"]
    return SearchFilters(**values)


def apply_filters(chunks, filters: SearchFilters):
    """Narrow a DocumentChunk queryset in SQL. Access (visible_to) is applied by the caller."""
    from documents.models import Document

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
    from django.db.models import Q

    from documents.models import Document

    target = Document._meta.get_field(relation).related_model
    rule = Q(pk__in=[])  # matches nothing unless a value below matches
    pk_type = target._meta.pk.get_internal_type()
    numeric = [v for v in values if v.isdigit()]
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
