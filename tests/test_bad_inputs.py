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
