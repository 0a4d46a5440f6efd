"""The documents page a librarian uses: upload, columns, actions, chunks and the record of a failure."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import SuperUserFactory, UserFactory
from documents.models import ApprovalState, Document, ProcessingStatus
from documents import filebuilders as builders
from documents.tests.factories import DocumentFactory, make_indexed_document

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/documents/document/"


@pytest.fixture
def librarian_client(client):
    """A staff member (L1, no department) with the document permissions, not a superuser."""
    staff = UserFactory(is_staff=True, department=None)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="documents"))
    client.force_login(staff)
    return client


def test_upload_from_the_admin_goes_through_the_pipeline(client, run_on_commit):
    client.force_login(SuperUserFactory())
    content = builders.docx_bytes(["리피토 영업 가이드"], table=[["제품", "단가"], ["리피토", "1,200원"]])

    with run_on_commit():
        response = client.post(f"{CHANGELIST}add/", {
            "file": SimpleUploadedFile("가이드.docx", content), "title": "", "access_level": "2",
            "approval_state": "approved", "metadata": '{"product": "리피토"}'})

    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert (document.title, document.access_level, document.status) == ("가이드", 2, ProcessingStatus.READY)
    assert "리피토 | 1,200원" in document.content and document.metadata["product"] == "리피토"


def test_admin_upload_of_an_executable_shows_the_reason_and_stores_nothing(client):
    client.force_login(SuperUserFactory())

    response = client.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile("a.pdf", b"MZ" + b"\0" * 50),
                                                 "access_level": "1", "approval_state": "approved",
                                                 "metadata": "{}"})

    assert response.status_code == 200
    assert "지원하지 않는 파일 형식" in response.content.decode()
    assert not Document.objects.exists()


def test_staff_who_is_not_a_document_manager_sees_only_documents_visible_to_them(client):
    staff = UserFactory(is_staff=True, department=None)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="documents")
                               .exclude(codename="manage_documents"))
    client.force_login(staff)
    DocumentFactory(title="공개 문서")
    hidden = DocumentFactory(title="L3 단가표", access_level=3)

    page = client.get(CHANGELIST).content.decode()

    assert "공개 문서" in page and "L3 단가표" not in page
    assert client.get(f"{CHANGELIST}{hidden.pk}/change/").status_code == 302  # "doesn't exist"


def test_document_manager_sees_documents_of_every_level_and_state(librarian_client):
    DocumentFactory(title="공개 문서")
    DocumentFactory(title="L3 단가표", access_level=3)
    DocumentFactory(title="검토 중 자료", approval_state=ApprovalState.PENDING)

    page = librarian_client.get(CHANGELIST).content.decode()

    assert "공개 문서" in page and "L3 단가표" in page and "검토 중 자료" in page


def test_failed_document_page_shows_reason_timeline_and_chunks_read_only(client):
    client.force_login(SuperUserFactory())
    failed = DocumentFactory(status=ProcessingStatus.FAILED, stage="extract", error="암호로 보호된 PDF입니다.",
                             stage_timeline={"extract": {"started": "2025-01-01T10:00:00", "error": "암호"}})
    ready = make_indexed_document(["첫 쪽 내용입니다", "둘째 쪽 내용입니다"])

    failed_page = client.get(f"{CHANGELIST}{failed.pk}/change/").content.decode()
    ready_page = client.get(f"{CHANGELIST}{ready.pk}/change/").content.decode()

    assert "암호로 보호된 PDF입니다." in failed_page and "추출" in failed_page
    assert "둘째 쪽 내용입니다" in ready_page
    assert 'name="chunks-0-text"' not in ready_page  # shown, not editable


def test_actions_reprocess_approve_and_expire(client, run_on_commit):
    client.force_login(SuperUserFactory())
    document = DocumentFactory(status=ProcessingStatus.FAILED, approval_state=ApprovalState.DRAFT,
                               file=SimpleUploadedFile("a.txt", "고친 내용".encode()))

    with run_on_commit():
        client.post(CHANGELIST, {"action": "reprocess_documents", "_selected_action": [document.pk]})
    client.post(CHANGELIST, {"action": "approve_documents", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert (document.status, document.approval_state) == (ProcessingStatus.READY, ApprovalState.APPROVED)

    client.post(CHANGELIST, {"action": "expire_documents", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.EXPIRED


def test_changelist_filters_by_status(client):
    client.force_login(SuperUserFactory())
    DocumentFactory(title="실패한 문서", status=ProcessingStatus.FAILED)
    DocumentFactory(title="완료된 문서")

    page = client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()

    assert "실패한 문서" in page and "완료된 문서" not in page


def test_admin_metadata_with_a_nul_escape_is_a_form_error_not_a_server_error(client):
    client.force_login(SuperUserFactory())

    response = client.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile("a.txt", "안내문".encode()),
                                                 "access_level": "1", "approval_state": "approved",
                                                 "metadata": '{"note": "a\\u0000b"}'})

    assert response.status_code == 200
    assert "NUL" in response.content.decode()
    assert not Document.objects.exists()
