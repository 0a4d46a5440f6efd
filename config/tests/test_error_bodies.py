"""Every API error body is Korean with a stable `code`, whatever the caller's Accept-Language; Django-level errors
under /api/ are JSON too; the docs can require a login; every page carries a Content-Security-Policy."""

import json
import uuid

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.api.views import SharedScopedRateThrottle
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from config.exceptions import server_error
from documents.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

HANGUL = range(0xAC00, 0xD7A4)


def assert_korean_error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert any(ord(ch) in HANGUL for ch in body["detail"]), body


@pytest.fixture
def english_client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9", raise_request_exception=False)


@pytest.fixture
def logged_in(english_client):
    english_client.user = UserFactory()
    english_client.force_authenticate(english_client.user)
    return english_client


def test_404_of_an_unknown_object_is_korean(logged_in):
    assert_korean_error(logged_in.get(f"/api/documents/{uuid.uuid4()}/"), 404, "not_found")


def test_404_of_an_unknown_api_path_is_korean_json(logged_in):
    assert_korean_error(logged_in.get("/api/no-such-thing/"), 404, "not_found")


def test_405_is_korean(logged_in):
    assert_korean_error(logged_in.delete("/api/search/"), 405, "method_not_allowed")


def test_401_without_credentials_and_with_a_wrong_token_are_korean(english_client):
    assert_korean_error(english_client.get("/api/auth/me/"), 401, "not_authenticated")
    english_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_korean_error(english_client.get("/api/auth/me/"), 401, "authentication_failed")


def test_403_is_korean(logged_in):
    document = DocumentFactory(uploaded_by=UserFactory())
    assert_korean_error(logged_in.delete(f"/api/documents/{document.pk}/"), 403, "permission_denied")


def test_429_of_the_throttle_is_korean_and_says_when(english_client, monkeypatch):
    monkeypatch.setattr(SharedScopedRateThrottle, "THROTTLE_RATES", {"register": "1/hour"})
    body = {"email": "a@example.kr", "password": TEST_PASSWORD, "name": "가"}
    english_client.post("/api/auth/register/", body, format="json")
    response = english_client.post("/api/auth/register/", {**body, "email": "b@example.kr"}, format="json")
    assert_korean_error(response, 429, "throttled")
    assert "초 후" in response.json()["detail"]


def test_400_parse_error_is_korean(logged_in):
    response = logged_in.generic("POST", "/api/search/", b'{"query": ', content_type="application/json")
    assert_korean_error(response, 400, "parse_error")


def test_415_is_korean(logged_in):
    response = logged_in.generic("POST", "/api/search/", b"query", content_type="text/csv")
    assert_korean_error(response, 415, "unsupported_media_type")


def test_413_is_korean(logged_in, settings):
    settings.API_MAX_JSON_BYTES = 1000
    response = logged_in.post("/api/search/", {"query": "가" * 2000}, format="json")
    assert_korean_error(response, 413, "request_too_large")


def test_field_errors_keep_their_fields_and_add_a_korean_detail(logged_in):
    response = logged_in.post("/api/chat/sessions/", {"title": "가" * 500}, format="json")
    assert_korean_error(response, 400, "invalid")
    assert "title" in response.json()


def test_500_under_api_is_korean_json():
    response = server_error(RequestFactory().get("/api/documents/"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["code"] == "server_error" and "서버 오류" in body["detail"]


def test_docs_and_schema_need_a_login_when_the_setting_says_so(english_client, settings):
    settings.API_DOCS_REQUIRE_LOGIN = False
    assert english_client.get("/api/schema/").status_code == 200
    settings.API_DOCS_REQUIRE_LOGIN = True
    assert english_client.get("/api/schema/").status_code == 401
    assert english_client.get("/api/docs/").status_code == 401
    english_client.force_authenticate(UserFactory())
    assert english_client.get("/api/schema/").status_code == 200
    assert english_client.get("/api/docs/").status_code == 200


def test_pages_carry_a_content_security_policy_that_allows_only_own_scripts(client, settings):
    for path in ("/admin/login/", "/api/docs/", "/healthz"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    docs = client.get("/api/docs/").content.decode()
    assert "<script>" not in docs.replace(" ", "")  # the start-up script is a separate file (CSP without inline)


def test_a_database_constraint_the_validation_missed_is_a_400_with_the_constraints_korean_message():
    from django.db import IntegrityError, transaction

    from config.exceptions import api_exception_handler
    from sales.models import SalesRecord
    from sales.tests.factories import SalesRecordFactory

    record = SalesRecordFactory()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        SalesRecord.objects.filter(pk=record.pk).update(quantity=0, amount=0)

    response = api_exception_handler(caught.value, {})
    assert response.status_code == 400
    assert response.data == {"detail": "수량은 1 이상이어야 합니다.", "code": "constraint_violation"}
