"""POST /api/search/ validated by search.serializers.SearchRequestSerializer: real HTTP, real database.

Every refusal is 400 `{"detail": <Korean, naming the field>, "code": "invalid_search", <field>: [...]}` (403
`drafts_not_allowed` for drafts), never a 500, and nothing is logged; a valid request answers as the service does.
"""

import dataclasses
import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.tests.factories import SuperUserFactory, UserFactory
from documents.models import Document
from documents.tests.factories import make_indexed_document
from search.criteria import InvalidSearch, SearchFilters, SearchRequest
from search.models import SearchQuery
from search.serializers import parse_filters, validated_search_request
from search.services import retrieve

pytestmark = pytest.mark.django_db
URL = "/api/search/"
HANGUL = range(0xAC00, 0xD7A4)


@pytest.fixture
def client():
    """A server error comes back as a 500 response (and fails on its status), not as an exception."""
    client = APIClient(raise_request_exception=False)
    client.user = UserFactory()
    client.force_authenticate(client.user)
    return client


def post(client, body):
    return client.generic("POST", URL, json.dumps(body, ensure_ascii=False).encode(), content_type="application/json")


def assert_invalid(response, fragment, *, field):
    """400 invalid_search; `fragment` in the Korean detail; the field (a path such as "filters.created_after")
    carries its messages, as DRF reports field errors."""
    assert response.status_code == 400, (response.status_code, response.content[:400])
    body = response.json()
    assert body["code"] == "invalid_search", body
    assert any(ord(ch) in HANGUL for ch in body["detail"]), body
    assert fragment in body["detail"], body
    errors = body
    for part in field.split("."):
        errors = errors[part]
    assert body["detail"] in [str(message) for message in errors], body
    assert not SearchQuery.objects.exists()
    return body


EMPTY = "검색어를 입력"
TOP_K = "top_k는 1부터 50 사이의 정수"


@pytest.mark.parametrize("body, fragment, field", [
    # query: required, a string, not blank once trimmed, shorter than 2,000 characters before trimming
    ({"top_k": 5}, EMPTY, "query"),
    ({"query": ""}, EMPTY, "query"),
    ({"query": "   \n\t"}, EMPTY, "query"),
    ({"query": None}, EMPTY, "query"),
    ({"query": 123}, EMPTY, "query"),
    ({"query": ["리피토"]}, EMPTY, "query"),
    ({"query": "가" * 2000}, "2,000자 미만으로 입력해 주세요 (현재 2,000자)", "query"),
    ({"query": " " + "가" * 1999}, "2,000자 미만", "query"),
    ({"query": "가" * 5000}, "현재 5,000자", "query"),
    # top_k: an integer (or digits as text) 1..50
    ({"query": "리피토", "top_k": 0}, "받은 값: 0", "top_k"),
    ({"query": "리피토", "top_k": 51}, "받은 값: 51", "top_k"),
    ({"query": "리피토", "top_k": "51"}, "받은 값: 51", "top_k"),
    ({"query": "리피토", "top_k": -1}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": 2.5}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": 5.0}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": True}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": "many"}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": ""}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": "²"}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": 10 ** 30}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": [5]}, TOP_K, "top_k"),
    ({"query": "리피토", "top_k": {"n": 5}}, TOP_K, "top_k"),
    # filters: an object
    ({"query": "리피토", "filters": []}, "filters는 객체여야", "filters.non_field_errors"),
    ({"query": "리피토", "filters": "PDF"}, "filters는 객체여야", "filters.non_field_errors"),
    ({"query": "리피토", "filters": 5}, "filters는 객체여야", "filters.non_field_errors"),
    ({"query": "리피토", "filters": True}, "filters는 객체여야", "filters.non_field_errors"),
    # unknown keys, all named, with the ones that exist
    ({"query": "리피토", "filters": {"owner": "me", "colour": "red"}},
     "알 수 없는 필터입니다: colour, owner. 사용할 수 있는 필터: created_after, created_before, customer, department, "
     "document_type, include_drafts, metadata, product", "filters.non_field_errors"),
    # string filters: a string or number, or a non-empty list of them
    ({"query": "리피토", "filters": {"document_type": "EXE"}}, "알 수 없는 문서 유형입니다: EXE", "filters.document_type"),
    ({"query": "리피토", "filters": {"document_type": ["PDF", "zip"]}}, "알 수 없는 문서 유형입니다: ZIP",
     "filters.document_type"),
    ({"query": "리피토", "filters": {"document_type": None}}, "필터 'document_type'에는 문자열", "filters.document_type"),
    ({"query": "리피토", "filters": {"department": []}}, "필터 'department'에는 문자열", "filters.department"),
    ({"query": "리피토", "filters": {"department": [""]}}, "필터 'department'에는 문자열", "filters.department"),
    ({"query": "리피토", "filters": {"department": {"code": "CARDIO"}}}, "필터 'department'", "filters.department"),
    ({"query": "리피토", "filters": {"customer": True}}, "필터 'customer'", "filters.customer"),
    ({"query": "리피토", "filters": {"product": [["ATV10"]]}}, "필터 'product'", "filters.product"),
    # metadata: a non-empty object
    ({"query": "리피토", "filters": {"metadata": {}}}, 'metadata 필터는 비어 있지 않은 객체여야 합니다 (예: {"product_code"',
     "filters.metadata"),
    ({"query": "리피토", "filters": {"metadata": ["line"]}}, "metadata 필터", "filters.metadata"),
    ({"query": "리피토", "filters": {"metadata": None}}, "metadata 필터", "filters.metadata"),
    # dates: YYYY-MM-DD or ISO 8601 that PostgreSQL can compare
    ({"query": "리피토", "filters": {"created_after": "어제"}}, "필터 'created_after'는 YYYY-MM-DD", "filters.created_after"),
    ({"query": "리피토", "filters": {"created_before": "2025-13-40"}}, "필터 'created_before'",
     "filters.created_before"),
    ({"query": "리피토", "filters": {"created_after": 20250101}}, "필터 'created_after'", "filters.created_after"),
    ({"query": "리피토", "filters": {"created_after": "2025-01-01T00:00:00+25:00"}}, "필터 'created_after'",
     "filters.created_after"),
    ({"query": "리피토", "filters": {"created_after": "0001-01-01"}}, "필터 'created_after'", "filters.created_after"),
    # include_drafts: a JSON boolean
    ({"query": "리피토", "filters": {"include_drafts": "true"}}, "include_drafts는 true 또는 false",
     "filters.include_drafts"),
    ({"query": "리피토", "filters": {"include_drafts": 1}}, "include_drafts는 true 또는 false", "filters.include_drafts"),
    ({"query": "리피토", "filters": {"include_drafts": None}}, "include_drafts", "filters.include_drafts"),
    # session_id: text
    ({"query": "리피토", "session_id": {"id": 1}}, "session_id는 문자열", "session_id"),
    ({"query": "리피토", "session_id": ["s1"]}, "session_id는 문자열", "session_id"),
    ({"query": "리피토", "session_id": False}, "session_id는 문자열", "session_id"),
    # the body itself: an object
    (["리피토"], "요청 본문은 JSON 객체여야", "non_field_errors"),
    ("리피토", "요청 본문은 JSON 객체여야", "non_field_errors"),
    (None, "요청 본문은 JSON 객체여야", "non_field_errors"),
    (42, "요청 본문은 JSON 객체여야", "non_field_errors"),
])
def test_each_bad_input_is_400_with_a_korean_message_naming_the_field(client, body, fragment, field):
    assert_invalid(post(client, body), fragment, field=field)


def test_every_bad_field_is_reported_and_the_detail_is_the_first_in_field_order(client):
    response = post(client, {"query": "", "top_k": 99, "filters": {"created_after": "x", "include_drafts": "yes"}})

    body = assert_invalid(response, EMPTY, field="query")
    assert "받은 값: 99" in body["top_k"][0]
    assert set(body["filters"]) == {"created_after", "include_drafts"}


def test_unknown_filter_keys_are_reported_before_the_values_of_known_ones(client):
    body = assert_invalid(post(client, {"query": "리피토", "filters": {"document_type": "EXE", "owner": "me"}}),
                          "알 수 없는 필터입니다: owner", field="filters.non_field_errors")
    assert "document_type" not in body["filters"]


@pytest.mark.parametrize("raw, code", [
    (b'{"query": ', "parse_error"),
    (b"query=\xeb\xa6\xac\xed\x94\xbc\xed\x86\xa0{", "parse_error"),
    (b'{"query": "\xff\xfe"}', "parse_error"),
    (b'{"query": "\xeb\xa6\xac\xed\x94\xbc\xed\x86\xa0", "top_k": NaN}', "parse_error"),
])
def test_a_body_that_is_not_json_is_400_parse_error_in_korean(client, raw, code):
    response = client.generic("POST", URL, raw, content_type="application/json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and "JSON" in body["detail"]
    assert any(ord(ch) in HANGUL for ch in body["detail"])
    assert not SearchQuery.objects.exists()


def test_drafts_without_the_permission_are_403_after_the_fields_are_valid(client):
    response = post(client, {"query": "리피토", "filters": {"include_drafts": True}})
    assert response.status_code == 403
    assert response.json()["code"] == "drafts_not_allowed" and "초안" in response.json()["detail"]

    assert_invalid(post(client, {"query": " ", "filters": {"include_drafts": True}}), EMPTY, field="query")


def test_a_valid_request_answers_as_the_service_does_and_logs_what_was_validated(client):
    make_indexed_document(["리피토는 LDL 콜레스테롤을 낮춥니다. 시작 용량은 1일 1회 10mg입니다."], title="리피토 정보")
    make_indexed_document(["리피토 복약 안내: 저녁에 복용해도 됩니다."], title="복약 안내")
    make_indexed_document(["메트포르민은 혈당을 낮춥니다."], title="당뇨", document_type="PDF")

    response = post(client, {"query": "  리피토 시작 용량 ", "top_k": "5", "session_id": "s" * 150, "ignored": 1,
                             "filters": {"document_type": "txt", "created_after": "2000-01-01",
                                         "created_before": None, "include_drafts": False}})

    assert response.status_code == 200, response.content
    body = response.json()
    expected = retrieve(user=client.user, query="리피토 시작 용량", top_k=5,
                        filters=SearchFilters(document_types=("TXT",))).hits
    assert [(r["chunk_id"], r["document_title"]) for r in body["results"]] == \
        [(hit.chunk_id, hit.document_title) for hit in expected]
    assert body["results"][0]["document_title"] == "리피토 정보" and "10mg" in body["answer"]
    log = SearchQuery.objects.get(pk=body["query_id"])
    assert (log.text, log.top_k, log.session_id) == ("리피토 시작 용량", 5, "s" * 100)
    assert log.filters["document_type"] == ["TXT"]
    assert log.filters["created_after"].startswith("2000-01-01T00:00:00")
    assert set(log.filters) == {"document_type", "created_after"}


@pytest.mark.parametrize("extra", [{}, {"top_k": None, "filters": None, "session_id": None}, {"filters": ""},
                                   {"filters": {}}, {"top_k": 10, "session_id": ""}])
def test_absent_or_null_optional_fields_take_their_defaults(client, extra):
    make_indexed_document(["리피토 복약 안내"], title="안내")

    response = post(client, {"query": "리피토", **extra})

    assert response.status_code == 200, response.content
    log = SearchQuery.objects.get()
    assert (log.top_k, log.filters, log.session_id) == (10, {}, "")


def test_a_query_of_1999_characters_is_answered(client):
    assert post(client, {"query": "가" * 1999}).status_code == 200


def test_staff_may_search_drafts_through_the_api():
    Document.objects.all().delete()
    make_indexed_document(["크레스토 신규 적응증 초안"], title="초안", approval_state="draft")
    staff = SuperUserFactory()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(staff)

    body = post(client, {"query": "크레스토 초안", "filters": {"include_drafts": True}}).json()

    assert [r["document_title"] for r in body["results"]] == ["초안"]
    assert SearchQuery.objects.get().filters == {"include_drafts": True}


def test_validated_search_request_is_the_one_way_for_python_callers_too():
    user = UserFactory()

    search = validated_search_request({"query": " 리피토 ", "top_k": 3, "filters": {"product": ["ATV10", 7]}},
                                      user=user)

    assert search == SearchRequest(query="리피토", top_k=3, filters=SearchFilters(products=("ATV10", "7")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        search.top_k = 50
    with pytest.raises(InvalidSearch) as refused:
        validated_search_request({"query": "리피토", "filters": {"colour": "red"}}, user=user)
    assert "알 수 없는 필터" in str(refused.value.message)


def test_parse_filters_for_search_chunks_uses_the_same_rules():
    user = UserFactory()
    parsed = SearchFilters(departments=("CARDIO",))

    assert parse_filters(None, user=user) == parse_filters("", user=user) == SearchFilters()
    assert parse_filters(parsed, user=user) is parsed
    assert parse_filters({"department": " CARDIO "}, user=user) == parsed
    with pytest.raises(InvalidSearch) as refused:
        parse_filters({"created_before": "내일"}, user=user)
    assert "created_before" in str(refused.value.message)
    assert "created_before" in refused.value.extra["filters"]


def test_the_request_schema_is_the_serializer():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/search/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    request = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    filters = schema["components"]["schemas"]["SearchFiltersRequest"]

    assert request["required"] == ["query"]
    assert request["properties"]["query"]["maxLength"] == 1999
    assert (request["properties"]["top_k"]["minimum"], request["properties"]["top_k"]["maximum"]) == (1, 50)
    assert set(filters["properties"]) == {"document_type", "department", "customer", "product", "metadata",
                                          "created_after", "created_before", "include_drafts"}
    assert filters["properties"]["include_drafts"]["type"] == "boolean"
