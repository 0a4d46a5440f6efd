"""Uploads by people who may not approve wait for review; only document managers publish them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, UserFactory
from documents.models import ApprovalState, Document
from documents.tests.factories import DocumentFactory, document_manager, make_indexed_document
from search.services import search_chunks

pytestmark = pytest.mark.django_db


@pytest.fixture
def cardio():
    return DepartmentFactory(code="CARDIO")


def test_l1_upload_waits_for_review_and_is_hidden_from_colleagues(upload, client_for, cardio):
    uploader, colleague = UserFactory(department=cardio), UserFactory(department=cardio)

    response = upload(uploader, "신제품 안내.txt", "트윈스타 신제품 안내문입니다.".encode(), approval_state="approved")

    assert response.status_code == 201 and response.json()["approval_state"] == ApprovalState.PENDING
    document_id = response.json()["id"]
    assert client_for(uploader).get(f"/api/documents/{document_id}/").status_code == 200
    reader = client_for(colleague)
    for suffix in ("", "chunks/", "download/"):
        assert reader.get(f"/api/documents/{document_id}/{suffix}").status_code == 404
    assert reader.get("/api/documents/").json()["count"] == 0
    assert search_chunks(user=colleague, query="트윈스타 신제품") == []


def test_document_manager_approves_and_the_document_is_found(upload, client_for, cardio):
    uploader, colleague = UserFactory(department=cardio), UserFactory(department=cardio)
    librarian = document_manager()
    document_id = upload(uploader, "신제품 안내.txt", "트윈스타 신제품 안내문입니다.".encode()).json()["id"]
    assert client_for(librarian).get("/api/documents/", {"approval_state": "pending"}).json()["count"] == 1

    response = client_for(librarian).post(f"/api/documents/{document_id}/review/", {"decision": "approve"},
                                          format="json")

    assert response.status_code == 200 and response.json()["approval_state"] == ApprovalState.APPROVED
    document = Document.objects.get(pk=document_id)
    assert document.reviewed_by == librarian and document.reviewed_at is not None
    assert client_for(colleague).get(f"/api/documents/{document_id}/").status_code == 200
    assert [hit.document_id for hit in search_chunks(user=colleague, query="트윈스타 신제품")] == [document.pk]


def test_returned_document_goes_back_to_review_when_its_uploader_fixes_it(upload, client_for):
    uploader, librarian = UserFactory(), document_manager()
    document_id = upload(uploader, "안내.txt", "초안 내용".encode()).json()["id"]

    no_comment = client_for(librarian).post(f"/api/documents/{document_id}/review/", {"decision": "return"},
                                            format="json")
    assert no_comment.status_code == 400 and "검토 의견" in no_comment.json()["detail"]
    returned = client_for(librarian).post(f"/api/documents/{document_id}/review/",
                                          {"decision": "return", "comment": "약가 표를 최신으로 바꿔 주세요."},
                                          format="json")
    assert returned.json()["approval_state"] == ApprovalState.RETURNED
    assert returned.json()["review_comment"] == "약가 표를 최신으로 바꿔 주세요."

    fixed = client_for(uploader).patch(f"/api/documents/{document_id}/", {"title": "안내 (수정)"}, format="json")

    assert fixed.status_code == 200 and fixed.json()["approval_state"] == ApprovalState.PENDING


def test_only_document_managers_review(upload, client_for, cardio):
    uploader, l3 = UserFactory(department=cardio), UserFactory(department=cardio, access_level=3)
    document = DocumentFactory(approval_state=ApprovalState.PENDING, uploaded_by=uploader)

    own = client_for(uploader).post(f"/api/documents/{document.pk}/review/", {"decision": "approve"}, format="json")
    hidden = client_for(l3).post(f"/api/documents/{document.pk}/review/", {"decision": "approve"}, format="json")
    by_patch = client_for(uploader).patch(f"/api/documents/{document.pk}/", {"approval_state": "approved"},
                                          format="json")

    assert own.status_code == 403 and by_patch.status_code == 403
    assert hidden.status_code == 404  # an L3 sales manager cannot even see someone else's pending upload
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.PENDING


def test_document_manager_upload_is_published_as_asked(upload):
    response = upload(document_manager(), "공지.txt", "전사 공지입니다.".encode())

    assert response.json()["approval_state"] == ApprovalState.APPROVED


def test_expired_and_retired_documents_are_for_document_managers_only(client_for):
    reader, librarian = UserFactory(), document_manager()
    past = make_indexed_document(["유효기간 지난 약가표"], title="지난 약가표",
                                 valid_until=timezone.now() - timedelta(days=1))
    retired = make_indexed_document(["폐기된 안내서"], title="폐기 안내서", approval_state=ApprovalState.EXPIRED)

    for document in (past, retired):
        assert client_for(reader).get(f"/api/documents/{document.pk}/chunks/").status_code == 404
        assert client_for(librarian).get(f"/api/documents/{document.pk}/chunks/").status_code == 200
    assert client_for(reader).get("/api/documents/").json()["count"] == 0
    assert client_for(librarian).get("/api/documents/").json()["count"] == 2
