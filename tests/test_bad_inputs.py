"""Bad input gets a clear 4xx with a Korean message and a stable code, never a 500; nothing is half-written.

Each case is one request a careless or hostile client can send. The expected status and `code`, and a Korean
word the message must contain, are written next to it.
"""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import AccessLevel
from accounts.tests.factories import DepartmentFactory, UserFactory
from documents import filebuilders as builders
from documents.models import Document
from sales.models import Assignment, Contact
from sales.tests.factories import CustomerFactory, AssignmentFactory, rep_user

pytestmark = pytest.mark.django_db

HANGUL = range(0xAC00, 0xD7A4)


def has_hangul(text: str) -> bool:
    return any(ord(ch) in HANGUL for ch in text)


@pytest.fixture
def client():
    """Any 500 is answered as a response, so a case that crashes the server fails on its status, not raises."""
    client = APIClient(raise_request_exception=False)
    client.user = UserFactory(department=DepartmentFactory(code="CARDIO"), access_level=AccessLevel.L2)
    client.force_authenticate(client.user)
    return client


def assert_refused(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert has_hangul(json.dumps(body, ensure_ascii=False)), body
    assert isinstance(body.get("code"), str) and body["code"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def raw_json(client, path, text: str):
    return client.generic("POST", path, text.encode("utf-8", "surrogatepass"), content_type="application/json")


# --- The eight causes of server errors the outside probe found ---------------------------------------------------

def test_document_list_filters_by_created_after_and_before(client):
    response = client.get("/api/documents/", {"created_after": "2020-01-01T00:00:00Z",
                                              "created_before": "2999-01-01T00:00:00Z"})
    assert response.status_code == 200, response.content


def test_document_list_with_a_malformed_created_after_is_400(client):
    assert_refused(client.get("/api/documents/", {"created_after": "어제"}), 400)


def test_upload_with_metadata_that_is_not_an_object_is_400_with_an_example(client):
    response = client.post("/api/documents/", {"file": SimpleUploadedFile("a.txt", "본문".encode()),
                                               "metadata": "[1, 2]"}, format="multipart")
    body = assert_refused(response, 400)
    assert '{"product"' in json.dumps(body, ensure_ascii=False).replace('\\"', '"')
    assert Document.objects.count() == 0


@pytest.mark.parametrize("field, value", [
    ("metadata", '{"product": "리피\u0000토"}'),
    ("department", "CAR\u0000DIO"),
    ("title", "제목\u0000"),
])
def test_upload_with_a_nul_byte_in_a_field_is_400(client, field, value):
    response = client.post("/api/documents/", {"file": SimpleUploadedFile("a.txt", "본문".encode()), field: value},
                           format="multipart")
    assert_refused(response, 400)
    assert Document.objects.count() == 0


@pytest.mark.parametrize("body", [
    '{"query": "리피\\u0000토"}',
    '{"query": "리피토", "filters": {"department": "CAR\\u0000DIO"}}',
    '{"query": "리피토", "filters": {"metadata": {"product\\u0000": "x"}}}',
    '{"query": "리피\\ud800토"}',
    '{"query": "리피토", "filters": {"department": ["\\udfff"]}}',
])
def test_search_with_nul_or_lone_surrogate_is_400(client, body):
    assert_refused(raw_json(client, "/api/search/", body), 400)


@pytest.mark.parametrize("key, value", [
    ("created_after", "0000-01-01"),
    ("created_before", "2025-13-40"),
    ("created_after", "2025-01-01T00:00:00+25:00"),
    ("created_after", "0001-01-01"),  # before year 1 once converted from Seoul time to UTC
    ("created_after", 20250101),
])
def test_search_with_an_impossible_filter_date_is_400(client, key, value):
    response = client.post("/api/search/", {"query": "리피토", "filters": {key: value}}, format="json")
    body = assert_refused(response, 400, "invalid_search")
    assert key in body["detail"]


def test_search_filter_dates_far_in_the_past_and_future_are_answered(client):
    response = client.post("/api/search/", {"query": "리피토", "filters": {"created_after": "1900-01-01",
                                                                       "created_before": "9999-12-31"}},
                           format="json")
    assert response.status_code == 200, response.content


def test_rep_creating_a_contact_with_is_active_is_answered_not_500(db):
    rep, employee = rep_user()
    customer = CustomerFactory()
    AssignmentFactory(employee=employee, customer=customer)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(rep)
    response = client.post("/api/sales/contacts/", {"customer": customer.pk, "name": "김의사", "is_active": False},
                           format="json")
    assert response.status_code == 201, response.content
    assert Contact.objects.get(pk=response.json()["id"]).is_active is True


def test_assignment_ending_before_it_starts_is_400_in_korean(db):
    manager, _ = rep_user(access_level=AccessLevel.L3)
    _, employee = rep_user(department=manager.department)
    customer = CustomerFactory()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(manager)
    response = client.post("/api/sales/assignments/", {
        "employee": employee.pk, "customer": customer.pk, "start_date": "2025-03-01", "end_date": "2025-02-01",
    }, format="json")
    assert_refused(response, 400)
    assert not Assignment.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("depth", [5000, 200])
def test_json_nested_deeply_is_400(client, depth):
    body = '{"query": ' + "[" * depth + "]" * depth + "}"
    assert_refused(raw_json(client, "/api/search/", body), 400, "parse_error")


# --- The bad-input set: files ------------------------------------------------------------------------------------

def _truncated_pdf():
    return builders.pdf_bytes(["리피토 복약 안내"])[:400]


def _renamed_executable():
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _zip_of_nothing_but_zeros():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * 1024 * 1024))
    return buffer.getvalue()


# (case, file name, bytes, status, code (refusals) or document status (kept as failed), Korean word in the answer)
FILE_CASES = [
    ("empty file", "빈.txt", b"", 400, None, "비어"),
    ("truncated PDF", "잘림.pdf", _truncated_pdf(), 201, "failed", "PDF"),
    ("executable renamed .pdf", "보고서.pdf", _renamed_executable(), 415, "unsupported_file_type", "형식"),
    ("zip bomb as .docx", "폭탄.docx", _zip_of_nothing_but_zeros(), 201, "failed", "압축"),
    ("binary garbage as .txt", "깨짐.txt", bytes(range(256)) * 8, 415, "unsupported_file_type", "지원하지"),
    ("Latin-1 text as .txt", "latin.txt", "Caf\xe9 cr\xe8me br\xfbl\xe9e, recette fran\xe7aise.".encode("latin-1"),
     201, "ready", None),
    ("NUL in the file name (Django drops it)", "보고\x00서.txt", "본문 내용입니다.".encode(), 201, "ready", None),
]


@pytest.mark.parametrize("case, name, content, status, outcome, word", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_gets_the_documented_answer(client, django_capture_on_commit_callbacks, settings,
                                              case, name, content, status, outcome, word):
    settings.DOCUMENT_MAX_UNCOMPRESSED_MB = 50
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/documents/", {"file": SimpleUploadedFile(name, content), "title": case},
                               format="multipart")
    assert response.status_code == status, response.content[:400]
    body = response.json()
    if status >= 400:
        assert_refused(response, status, outcome)
        assert word in json.dumps(body, ensure_ascii=False)
        assert not Document.objects.exists()
        return
    document = Document.objects.get(pk=body["id"])
    assert document.status == outcome, document.error
    if word:
        assert word in document.error and has_hangul(document.error)


def test_file_over_the_upload_limit_is_413_in_korean(client, settings):
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    response = client.post("/api/documents/", {"file": SimpleUploadedFile("큰.txt", b"a" * (3 * 1024 * 1024))},
                           format="multipart")
    assert_refused(response, 413)
    assert not Document.objects.exists()


# --- The bad-input set: JSON bodies ------------------------------------------------------------------------------

JSON_CASES = [
    # (case, method, path, body (text sent as is), status, code)
    ("search: body is a list", "post", "/api/search/", '["리피토"]', 400, "invalid_search"),
    ("search: query missing", "post", "/api/search/", '{"top_k": 5}', 400, "invalid_search"),
    ("search: query is a number", "post", "/api/search/", '{"query": 123}', 400, "invalid_search"),
    ("search: query of 5,000 characters", "post", "/api/search/", json.dumps({"query": "가" * 5000}), 400,
     "invalid_search"),
    ("search: top_k is text", "post", "/api/search/", '{"query": "리피토", "top_k": "many"}', 400, "invalid_search"),
    ("search: top_k is a superscript digit", "post", "/api/search/", '{"query": "리피토", "top_k": "²"}', 400,
     "invalid_search"),
    ("search: top_k is 10^30", "post", "/api/search/", '{"query": "리피토", "top_k": 1000000000000000000000000000000}',
     400, "invalid_search"),
    ("search: filters is a list", "post", "/api/search/", '{"query": "리피토", "filters": []}', 400, "invalid_search"),
    ("search: unknown filter", "post", "/api/search/", '{"query": "리피토", "filters": {"owner": "me"}}', 400,
     "invalid_search"),
    ("search: customer id out of bigint range", "post", "/api/search/",
     '{"query": "리피토", "filters": {"customer": "99999999999999999999999"}}', 200, None),
    ("search: NaN", "post", "/api/search/", '{"query": "리피토", "top_k": NaN}', 400, "parse_error"),
    ("search: not JSON at all", "post", "/api/search/", "query=리피토{", 400, "parse_error"),
    ("search: invalid UTF-8", "post", "/api/search/", b'{"query": "\xff\xfe"}', 400, "parse_error"),
    ("feedback: rating 9", "post", "/api/search/queries/{query}/feedback/", '{"rating": 9}', 400, "invalid_search"),
    ("chat: empty question", "post", "/api/chat/sessions/{session}/messages/", '{"content": ""}', 400, None),
    ("chat: NUL in the question", "post", "/api/chat/sessions/{session}/messages/", '{"content": "a\\u0000"}', 400,
     "unstorable_text"),
    ("chat: surrogate in the title", "post", "/api/chat/sessions/", '{"title": "\\udc00"}', 400, "unstorable_text"),
    ("document: PATCH metadata deeply nested", "patch", "/api/documents/{document}/",
     '{"metadata": ' + '{"a": ' * 100 + "1" + "}" * 100 + "}", 400, "parse_error"),
    ("document: PATCH valid_until in year 1", "patch", "/api/documents/{document}/",
     '{"valid_until": "0001-01-01T00:00:00Z"}', 400, "invalid"),
    ("document: PATCH access_level as text", "patch", "/api/documents/{document}/", '{"access_level": "top"}', 400,
     "invalid"),
    ("document list: unknown approval_state", "get", "/api/documents/?approval_state=secret", None, 400, "invalid"),
    ("document list: NUL in title filter", "get", "/api/documents/?title=%00", None, 400, "unstorable_text"),
    ("sales: interaction in year 287", "post", "/api/sales/interactions/",
     '{"customer": {customer}, "interaction_type": "visit", "occurred_at": "0287-07-09T20:09:23Z", "summary": "x"}',
     400, "invalid"),
    ("sales: contact without name", "post", "/api/sales/contacts/", '{"customer": {customer}}', 400, "invalid"),
    ("sales: date filter 0000-00-00", "get", "/api/sales/sales-records/?date_from=0000-00-00", None, 400, "invalid"),
    ("sales: month filter 2025-13", "get", "/api/sales/performance/?month_from=2025-13", None, 400, "invalid"),
    ("body too large", "post", "/api/search/", json.dumps({"query": "리피토", "pad": "x" * (3 * 1024 * 1024)}), 413,
     "request_too_large"),
    ("wrong Content-Type", "post", "/api/search/", "<query>리피토</query>", 415, "unsupported_media_type"),
]


@pytest.fixture
def owned(client):
    """Objects of the caller's, for the paths above: a search, a chat session, a document and a customer."""
    from chat.models import ChatSession
    from documents.tests.factories import DocumentFactory
    from search.tests.factories import SearchQueryFactory
    from sales.tests.factories import EmployeeFactory

    employee = EmployeeFactory(user=client.user, department=client.user.department)
    customer = CustomerFactory()
    AssignmentFactory(employee=employee, customer=customer)
    return {"query": SearchQueryFactory(user=client.user).pk,
            "session": ChatSession.objects.create(owner=client.user).pk,
            "document": DocumentFactory(uploaded_by=client.user).pk, "customer": customer.pk}


@pytest.mark.parametrize("case, method, path, body, status, code", JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_bad_json_gets_a_korean_4xx_with_a_stable_code(client, owned, case, method, path, body, status, code):
    path = path.format(**owned)
    if isinstance(body, str):
        body = body.replace("{customer}", str(owned["customer"]))
    content_type = "application/xml" if status == 415 else "application/json"
    if body is None:
        response = client.get(path)
    else:
        data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        response = client.generic(method.upper(), path, data, content_type=content_type)
    if status == 200:  # accepted and answered: an id no customer has matches nothing
        assert response.status_code == 200, response.content[:400]
        return
    assert_refused(response, status, code)
