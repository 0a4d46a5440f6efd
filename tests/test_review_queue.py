"""The librarian's review queue in the admin: what a rep uploads waits, is approved or returned with a
comment (who and when recorded), and only then reaches search."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from documents.models import ApprovalState, Document
from documents.tests.factories import DocumentFactory
from search.services import search_chunks

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/documents/document/"


@pytest.fixture
def rep_upload(personas, django_capture_on_commit_callbacks):
    """An L1 rep uploads a document through the API (processed at once); returns the Document."""
    api = APIClient()
    api.force_authenticate(personas.rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/documents/", {
            "file": SimpleUploadedFile("트윈스타 안내.txt", "트윈스타정 신규 함량 출시 안내입니다.".encode()),
            "approval_state": "approved"}, format="multipart")
    assert response.status_code == 201
    return Document.objects.get(pk=response.json()["id"])


@pytest.fixture
def librarian_client(client, personas):
    client.force_login(personas.librarian)
    return client


def test_rep_upload_waits_in_the_queue_and_the_index_counts_it(librarian_client, rep_upload, personas):
    queue = librarian_client.get(CHANGELIST, {"review": "pending"}).content.decode()
    index = librarian_client.get(reverse("admin:index")).content.decode()

    assert rep_upload.approval_state == ApprovalState.PENDING
    assert "트윈스타 안내" in queue
    assert "검토 대기 문서 1건" in index and "?review=pending" in index
    assert search_chunks(user=personas.onco_rep, query="트윈스타정 신규 함량") == []


def test_librarian_approves_from_the_queue_and_reps_find_it(librarian_client, rep_upload, personas):
    response = librarian_client.post(CHANGELIST, {"action": "approve_documents",
                                                  ACTION_CHECKBOX_NAME: [rep_upload.pk]}, follow=True)

    rep_upload.refresh_from_db()
    assert response.status_code == 200 and "1건을 승인했습니다" in response.content.decode()
    assert rep_upload.approval_state == ApprovalState.APPROVED
    assert rep_upload.reviewed_by == personas.librarian and rep_upload.reviewed_at is not None
    hits = search_chunks(user=personas.onco_rep, query="트윈스타정 신규 함량")
    assert [hit.document_id for hit in hits][:1] == [rep_upload.pk]


def test_returning_asks_for_a_comment_then_records_it(librarian_client, rep_upload, personas):
    ask = librarian_client.post(CHANGELIST, {"action": "return_documents", ACTION_CHECKBOX_NAME: [rep_upload.pk]})
    empty = librarian_client.post(CHANGELIST, {"action": "return_documents", "apply": "1", "comment": "",
                                               ACTION_CHECKBOX_NAME: [rep_upload.pk]})
    rep_upload.refresh_from_db()
    assert ask.status_code == 200 and 'name="comment"' in ask.content.decode()
    assert empty.status_code == 200 and rep_upload.approval_state == ApprovalState.PENDING

    librarian_client.post(CHANGELIST, {"action": "return_documents", "apply": "1",
                                       "comment": "약가 표를 최신으로 바꿔 주세요.",
                                       ACTION_CHECKBOX_NAME: [rep_upload.pk]})

    rep_upload.refresh_from_db()
    assert rep_upload.approval_state == ApprovalState.RETURNED
    assert rep_upload.review_comment == "약가 표를 최신으로 바꿔 주세요."
    assert rep_upload.reviewed_by == personas.librarian
    page = librarian_client.get(reverse("admin:documents_document_change", args=[rep_upload.pk])).content.decode()
    assert "약가 표를 최신으로 바꿔 주세요." in page and "반려" in page


def test_expired_document_is_flagged_with_its_version_on_list_and_page(librarian_client):
    old = DocumentFactory(title="지난 약가표", valid_until=timezone.now() - timedelta(days=2), version=3)

    listing = librarian_client.get(CHANGELIST, {"review": "past_valid_until"}).content.decode()
    page = librarian_client.get(reverse("admin:documents_document_change", args=[old.pk])).content.decode()

    assert "지난 약가표" in listing and "기한 지남" in listing
    assert "기한 지남" in page and ">3<" in page


def test_retire_action_expires_the_document_and_records_who(librarian_client, personas):
    document = DocumentFactory(title="구 버전 안내")

    librarian_client.post(CHANGELIST, {"action": "expire_documents", ACTION_CHECKBOX_NAME: [document.pk]})

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.EXPIRED and document.reviewed_by == personas.librarian
