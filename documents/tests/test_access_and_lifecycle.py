"""Visibility on every path, download, delete, reprocess and who may change what."""

from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.indexing import ChunkDraft, replace_chunks
from documents.models import Document, DocumentChunk, ProcessingStatus
from documents.signals import document_deleted, document_indexed
from documents.tests.factories import DocumentFactory, make_indexed_document

pytestmark = pytest.mark.django_db

PATHS = ["", "download/", "chunks/"]


@pytest.mark.parametrize("suffix", PATHS)
def test_l1_user_gets_404_for_an_l2_document_on_every_read_path(client_for, suffix):
    document = DocumentFactory(access_level=2)

    l1 = client_for(UserFactory(access_level=1)).get(f"/api/documents/{document.pk}/{suffix}")
    l2 = client_for(UserFactory(access_level=2)).get(f"/api/documents/{document.pk}/{suffix}")

    assert l1.status_code == 404
    assert l2.status_code == 200


@pytest.mark.parametrize(("method", "suffix"), [("patch", ""), ("delete", ""), ("post", "reprocess/")])
def test_l1_user_gets_404_for_an_l2_document_on_every_write_path(client_for, method, suffix):
    document = DocumentFactory(access_level=2)

    response = getattr(client_for(UserFactory(access_level=1)), method)(f"/api/documents/{document.pk}/{suffix}",
                                                                        {"title": "x"}, format="json")

    assert response.status_code == 404
    document.refresh_from_db()
    assert document.title != "x" and document.status == ProcessingStatus.READY


def test_list_shows_only_visible_documents_without_n_plus_one(client_for, django_assert_max_num_queries):
    cardio, onco = DepartmentFactory(code="CARDIO"), DepartmentFactory(code="ONCO")
    user = UserFactory(access_level=2, department=cardio)
    for n in range(5):
        DocumentFactory(title=f"공개 {n}")
    DocumentFactory(title="순환기 L2", access_level=2, department=cardio)
    DocumentFactory(title="항암 L1", department=onco)
    DocumentFactory(title="L3", access_level=3)

    # permission lookup (user + group permissions, once per request) + count + page + one prefetch per sales
    # relation (customers, products, interactions, sales records): constant in N.
    with django_assert_max_num_queries(9):
        response = client_for(user).get("/api/documents/")

    titles = {item["title"] for item in response.json()["results"]}
    assert titles == {f"공개 {n}" for n in range(5)} | {"순환기 L2"}


def test_uploader_sees_own_document_even_outside_their_department(client_for):
    uploader = UserFactory()
    document = DocumentFactory(department=DepartmentFactory(code="ONCO"), uploaded_by=uploader)

    assert client_for(uploader).get(f"/api/documents/{document.pk}/").status_code == 200
    assert client_for(UserFactory()).get(f"/api/documents/{document.pk}/").status_code == 404


def test_download_streams_the_original_bytes_with_the_korean_file_name(upload, client_for):
    user = UserFactory()
    content = "리피토 복약 안내".encode()
    document_id = upload(user, "리피토 복약안내.txt", content).json()["id"]

    response = client_for(user).get(f"/api/documents/{document_id}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "리피토 복약안내.txt" in unquote(disposition)


def test_delete_removes_chunks_file_and_tells_the_search_index(upload, client_for, run_on_commit):
    user = UserFactory()
    document = Document.objects.get(pk=upload(user, "삭제.txt", "지울 문서입니다.".encode()).json()["id"])
    storage, name = document.file.storage, document.file.name
    assert document.chunks.exists() and storage.exists(name)
    deleted = []
    document_deleted.connect(lambda sender, document_id, **kw: deleted.append(document_id), weak=False,
                             dispatch_uid="test-deleted")
    try:
        with run_on_commit():
            response = client_for(user).delete(f"/api/documents/{document.pk}/")
    finally:
        document_deleted.disconnect(dispatch_uid="test-deleted")

    assert response.status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not DocumentChunk.objects.filter(document_id=document.pk).exists()
    assert not storage.exists(name)
    assert deleted == [document.pk]


def test_someone_else_may_read_but_not_change_delete_or_reprocess(client_for):
    document = DocumentFactory(uploaded_by=UserFactory())
    other = client_for(UserFactory())

    assert other.get(f"/api/documents/{document.pk}/").status_code == 200
    assert other.patch(f"/api/documents/{document.pk}/", {"title": "x"}, format="json").status_code == 403
    assert other.delete(f"/api/documents/{document.pk}/").status_code == 403
    assert other.post(f"/api/documents/{document.pk}/reprocess/").status_code == 403


def test_uploader_edits_metadata_but_only_an_approver_changes_approval(client_for):
    uploader = UserFactory()
    document = DocumentFactory(uploaded_by=uploader)
    client = client_for(uploader)

    edited = client.patch(f"/api/documents/{document.pk}/", {"title": "새 제목", "metadata": {"product": "리피토"}},
                          format="json")
    refused = client.patch(f"/api/documents/{document.pk}/", {"approval_state": "expired"}, format="json")
    approved = client_for(SuperUserFactory()).patch(f"/api/documents/{document.pk}/",
                                                    {"approval_state": "expired"}, format="json")

    assert edited.status_code == 200 and edited.json()["metadata"] == {"product": "리피토"}
    assert refused.status_code == 403 and "승인 상태" in refused.json()["detail"]
    assert approved.status_code == 200 and approved.json()["approval_state"] == "expired"


def test_reprocess_via_api_rebuilds_the_same_chunks(client_for, run_on_commit):
    uploader = UserFactory()
    document = DocumentFactory(uploaded_by=uploader, file=SimpleUploadedFile(
        "a.txt", "리피토는 콜레스테롤을 낮춥니다. 하루 한 번 복용합니다.".encode()), status=ProcessingStatus.QUEUED)
    indexed = []
    document_indexed.connect(lambda sender, document_id, chunk_count, **kw: indexed.append(chunk_count),
                             weak=False, dispatch_uid="test-indexed")
    try:
        for _ in range(2):
            with run_on_commit():
                response = client_for(uploader).post(f"/api/documents/{document.pk}/reprocess/")
            assert response.status_code == 202
    finally:
        document_indexed.disconnect(dispatch_uid="test-indexed")

    document.refresh_from_db()
    assert document.status == ProcessingStatus.READY
    assert indexed == [1, 1] and list(document.chunks.values_list("ordinal", flat=True)) == [0]


def test_chunk_replacement_is_atomic_when_indexing_fails_midway(monkeypatch):
    document = make_indexed_document(["첫 번째 조각", "두 번째 조각"])

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DocumentChunk.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        replace_chunks(document, [ChunkDraft(text="새 조각")], embeddings=[[0.1] * 384])

    assert list(document.chunks.order_by("ordinal").values_list("text", flat=True)) == ["첫 번째 조각", "두 번째 조각"]


def test_chunks_endpoint_lists_passages_with_their_page(client_for):
    document = make_indexed_document(["1쪽 내용", "2쪽 내용"])

    body = client_for(UserFactory()).get(f"/api/documents/{document.pk}/chunks/").json()

    assert [(c["ordinal"], c["page"], c["text"]) for c in body["results"]] == [(0, 1, "1쪽 내용"), (1, 2, "2쪽 내용")]
