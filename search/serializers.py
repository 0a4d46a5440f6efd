"""The search request, validated once: `validated_search_request(data, user=)` -> `criteria.SearchRequest`.

`SearchRequestSerializer` is both the validator and the request schema of `POST /api/search/`. Each field keeps
its rule and its Korean message in `to_internal_value` (a sent `null` included; only a missing key is left to
DRF's required/default). A refused request is `InvalidSearch`: 400 `{"detail": <the first message, in field
order query, top_k, filters, session_id>, "code": "invalid_search"}` plus DRF's field errors, e.g.
`{"filters": {"created_after": ["..."]}}`. `include_drafts` without the permission is `DraftsNotAllowed` (403),
checked after validation.

`parse_filters` validates a `filters` dict alone, for the Python callers of `search_chunks` / `retrieve`.
"""

from collections.abc import Mapping
from datetime import datetime
from datetime import timezone as dt_timezone

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from documents.models import DocumentType
from search.criteria import (
    DEFAULT_TOP_K,
    MAX_QUERY_LENGTH,
    MAX_TOP_K,
    InvalidSearch,
    SearchFilters,
    SearchRequest,
    is_plain_integer,
    require_drafts_allowed,
)

EMPTY_QUERY = _("검색어를 입력해 주세요. 빈 문자열이나 공백만으로는 검색할 수 없습니다.")
MAX_SESSION_ID_LENGTH = 100  # longer ids are cut, as the log column is


class _OwnRules:
    """Every value sent, null included, goes to `to_internal_value`, which holds the field's whole rule and
    message; a missing key is DRF's (required, default or left out)."""

    def validate_empty_values(self, data):
        if data is empty:
            return super().validate_empty_values(data)
        return False, data

    def run_validation(self, data=empty):
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        return self.to_internal_value(data)


class QueryField(_OwnRules, serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_QUERY_LENGTH - 1, error_messages={"required": EMPTY_QUERY}, **kwargs)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str) or not data.strip():
            raise serializers.ValidationError(EMPTY_QUERY)
        if len(data) >= MAX_QUERY_LENGTH:  # counted before trimming, as always
            raise serializers.ValidationError(_("검색어는 2,000자 미만으로 입력해 주세요 (현재 %(n)s자).")
                                              % {"n": f"{len(data):,}"})
        return data.strip()


class TopKField(_OwnRules, serializers.IntegerField):
    """An integer or a string of digits, 1..50; null (or no key) means 10."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_TOP_K, default=DEFAULT_TOP_K, allow_null=True, **kwargs)

    def to_internal_value(self, data) -> int:
        if data is None:
            return DEFAULT_TOP_K
        if isinstance(data, bool) or not isinstance(data, (int, str)) or not is_plain_integer(data):
            raise serializers.ValidationError(_("top_k는 1부터 50 사이의 정수여야 합니다."))
        value = int(data)
        if not 1 <= value <= MAX_TOP_K:
            raise serializers.ValidationError(_("top_k는 1부터 50 사이의 정수여야 합니다 (받은 값: %(v)s).") % {"v": value})
        return value


@extend_schema_field({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]})
class StringsField(_OwnRules, serializers.ListField):
    """A string (or number) or a non-empty list of them; each trimmed, none empty."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), **kwargs)

    def to_internal_value(self, data) -> tuple[str, ...]:
        values = data if isinstance(data, list) else [data]
        if not values or not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip()
                                 for v in values):
            raise serializers.ValidationError(_("필터 '%(key)s'에는 문자열 또는 문자열 목록을 넣어 주세요.")
                                              % {"key": self.field_name})
        return tuple(str(v).strip() for v in values)


class DocumentTypesField(StringsField):
    def to_internal_value(self, data) -> tuple[str, ...]:
        types = tuple(t.upper() for t in super().to_internal_value(data))
        bad = [t for t in types if t not in DocumentType.values]
        if bad:
            raise serializers.ValidationError(_("알 수 없는 문서 유형입니다: %(bad)s. 가능한 값: %(allowed)s")
                                              % {"bad": ", ".join(bad), "allowed": ", ".join(DocumentType.values)})
        return types


class MetadataField(_OwnRules, serializers.DictField):
    def to_internal_value(self, data) -> dict:
        if not isinstance(data, dict) or not data:
            raise serializers.ValidationError(
                _("metadata 필터는 비어 있지 않은 객체여야 합니다 (예: {\"product_code\": \"ATV10\"})."))
        return data


@extend_schema_field({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
                      "nullable": True})
class MomentField(_OwnRules, serializers.DateTimeField):
    """A date or ISO 8601 date-time that PostgreSQL can compare (year 1..9999 after conversion to UTC); null is
    no bound. A date alone is the start of that day, or its end for `end_of_day` (created_before)."""

    def __init__(self, *, end_of_day=False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, data) -> datetime | None:
        if data is None:
            return None
        if isinstance(data, str):
            try:
                moment = parse_datetime(data)
                if moment is None and (day := parse_date(data)) is not None:
                    moment = datetime.combine(day, datetime.max.time() if self.end_of_day else datetime.min.time())
                if moment is not None:
                    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
                    moment.astimezone(dt_timezone.utc)
                    return moment
            except (ValueError, OverflowError):  # 0000-01-01, +25:00, 0001-01-01 in Seoul is before year 1 in UTC
                pass
        raise serializers.ValidationError(
            _("필터 '%(key)s'는 YYYY-MM-DD 또는 ISO 8601 날짜·시각(0001-01-02 ~ 9999-12-30)이어야 합니다.")
            % {"key": self.field_name})


class StrictBooleanField(_OwnRules, serializers.BooleanField):
    """true or false, not "true", 1 or null."""

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("%(key)s는 true 또는 false여야 합니다.") % {"key": self.field_name})
        return data


class SessionIdField(_OwnRules, serializers.CharField):
    """Free text (a number is taken as text), cut to 100 characters; null means none."""

    def to_internal_value(self, data) -> str:
        if data is None:
            return ""
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError(_("session_id는 문자열이어야 합니다 (앞의 100자만 저장됩니다)."))
        return str(data)[:MAX_SESSION_ID_LENGTH]


class SearchFiltersSerializer(serializers.Serializer):
    """`filters`: every key optional, unknown keys refused; validated into `criteria.SearchFilters`."""

    document_type = DocumentTypesField(required=False, source="document_types",
                                       help_text="문서 유형(PDF, DOCX, ...) 하나 또는 목록")
    department = StringsField(required=False, source="departments", help_text="부서 코드 하나 또는 목록")
    customer = StringsField(required=False, source="customers", help_text="거래처 id 또는 코드")
    product = StringsField(required=False, source="products", help_text="제품 id 또는 코드")
    metadata = MetadataField(required=False, help_text="문서 metadata에 포함되어야 하는 키·값 (JSON 포함 관계)")
    created_after = MomentField(required=False, help_text="이 날짜·시각 이후 등록된 문서 (YYYY-MM-DD 또는 ISO 8601)")
    created_before = MomentField(required=False, end_of_day=True,
                                 help_text="이 날짜(그날 끝까지)·시각 이전 등록된 문서")
    include_drafts = StrictBooleanField(required=False, help_text="초안·검토 중 문서도 (문서 관리자만)")

    def run_validation(self, data=empty):
        if data is None or (isinstance(data, str) and data == ""):
            return SearchFilters()
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("filters는 객체여야 합니다.")]})
        unknown = sorted(str(key) for key in set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [
                _("알 수 없는 필터입니다: %(unknown)s. 사용할 수 있는 필터: %(allowed)s")
                % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(self.fields))}]})
        return super().to_internal_value(data)

    def validate(self, attrs) -> SearchFilters:
        return SearchFilters(**{name: value for name, value in attrs.items() if value is not None})


class SearchRequestSerializer(serializers.Serializer):
    """`POST /api/search/`. Keys other than these are ignored."""

    default_error_messages = {"invalid": _("요청 본문은 JSON 객체여야 합니다.")}

    query = QueryField(help_text="검색어 (앞뒤 공백을 뺀 1~1,999자)")
    top_k = TopKField(required=False, help_text="결과 수 1~50 (기본 10)")
    filters = SearchFiltersSerializer(required=False, allow_null=True)
    session_id = SessionIdField(required=False, allow_blank=True, allow_null=True, default="",
                                help_text="검색 기록에 남길 세션 id (100자까지)")

    def validate_empty_values(self, data):
        return False, data  # a body of `null` is "not an object", as any other non-object

    def validate(self, attrs) -> SearchRequest:
        return SearchRequest(query=attrs["query"], top_k=attrs.get("top_k", DEFAULT_TOP_K),
                             filters=attrs.get("filters", SearchFilters()), session_id=attrs.get("session_id", ""))


def _first_message(errors) -> str:
    """The first message of DRF's error structure, in field order."""
    while isinstance(errors, (dict, list)):
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors)


def validated_search_request(data, *, user) -> SearchRequest:
    """The one way to a `SearchRequest`, for the API and for Python callers: `data` is the request body (a dict
    as JSON gives it). Raises InvalidSearch (400) or DraftsNotAllowed (403)."""
    if isinstance(data, QueryDict):  # a form body: one value per key, as before
        data = data.dict()
    serializer = SearchRequestSerializer(data=data)
    if not serializer.is_valid():
        raise InvalidSearch(_first_message(serializer.errors), extra=dict(serializer.errors))
    search: SearchRequest = serializer.validated_data
    require_drafts_allowed(search.filters, user=user)
    return search


def parse_filters(raw, *, user) -> SearchFilters:
    """A `filters` dict alone (None or "" is none), by the same rules; a SearchFilters is taken as it is."""
    if isinstance(raw, SearchFilters):
        return raw
    serializer = SearchFiltersSerializer(data=raw)
    if not serializer.is_valid():
        raise InvalidSearch(_first_message(serializer.errors), extra={"filters": dict(serializer.errors)})
    return require_drafts_allowed(serializer.validated_data, user=user)
