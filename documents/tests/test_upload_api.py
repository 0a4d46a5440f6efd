"""Uploading through the API: every file type reaches `ready`, bad input is refused or kept as failed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import SuperUserFactory, UserFactory
from core.models import TraceLog
from documents import filebuilders as builders
from documents.models import Document, DocumentChunk, ProcessingStatus
from documents.tests.factories import document_manager

pytestmark = pytest.mark.django_db

LIPITOR = "리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴입니다."


def stored_files():
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_pdf_upload_is_processed_into_passages_that_keep_their_page(upload):
    content = builders.pdf_bytes([LIPITOR, "통상 시작 용량은 1일 1회 10mg입니다."])

    response = upload(UserFactory(), "리피토 제품설명서.pdf", content, title="리피토 제품설명서")

    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.READY, document.error
    assert document.document_type == "PDF" and document.metadata["page_count"] == 2
    chunks = list(document.chunks.order_by("ordinal").values_list("page", "text"))
    assert chunks[0][0] == 1 and "콜레스테롤" in chunks[0][1]
    assert chunks[-1][0] == 2 and "10mg" in chunks[-1][1]
    assert set(document.stage_timeline) >= {"extract", "normalise", "split", "embed", "index"}
    assert all("finished" in document.stage_timeline[s] for s in ("extract", "embed", "index"))
    assert document.file.name == f"documents/{document.pk}/리피토_제품설명서.pdf"
    assert document.source == "리피토 제품설명서.pdf"


@pytest.mark.parametrize(("name", "build", "kind", "phrase"), [
    ("단가표.docx", lambda: builders.docx_bytes(["2025년 단가표", LIPITOR], table=[["제품", "용량", "단가"],
                                                                         ["리피토", "10mg", "1,200원"]]),
     "DOCX", "리피토 | 10mg | 1,200원"),
    ("안내문.hwp", lambda: builders.hwp_bytes([[LIPITOR, "복용 후 근육통이 있으면 의사에게 알립니다."]],
                                              table=[["제품", "단가"], ["카듀엣", "21,000원"]]),
     "HWP", "제품 | 단가\n카듀엣 | 21,000원"),
    ("안내문.hwpx", lambda: builders.hwpx_bytes([[LIPITOR]], table=[["제품", "단가"], ["노바스크", "800원"]]),
     "HWPX", "노바스크 | 800원"),
    ("메모.txt", lambda: (LIPITOR + "\n방문 메모입니다.").encode("cp949"), "TXT", "방문 메모"),
    ("faq.md", lambda: f"# 자주 묻는 질문\n\n{LIPITOR}\n\n## 보관\n실온 보관합니다.".encode(), "MARKDOWN", "실온 보관"),
    ("공지.html", lambda: (f"<html><script>alert('x')</script><p>{LIPITOR}</p>"
                         "<table><tr><td>제품</td><td>단가</td></tr></table></html>").encode(), "HTML", "제품 | 단가"),
])
def test_each_supported_type_is_extracted_and_indexed(upload, name, build, kind, phrase):
    response = upload(UserFactory(), name, build())

    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert (document.document_type, document.status, document.error) == (kind, ProcessingStatus.READY, "")
    assert phrase in document.content
    assert "alert" not in document.content
    assert DocumentChunk.objects.filter(document=document, text__contains="콜레스테롤").exists()


def test_macos_nfd_file_name_and_text_are_stored_as_nfc(upload):
    import unicodedata

    name = unicodedata.normalize("NFD", "리피토 안내.txt")
    response = upload(UserFactory(), name, unicodedata.normalize("NFD", LIPITOR).encode())

    document = Document.objects.get(pk=response.json()["id"])
    assert document.source == "리피토 안내.txt" and document.title == "리피토 안내"
    assert LIPITOR in document.content


def test_file_over_the_limit_is_refused_with_413_and_nothing_is_stored(upload, settings):
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    before = stored_files()

    response = upload(UserFactory(), "큰파일.txt", b"a" * (1024 * 1024 + 10))

    assert response.status_code == 413
    assert "1 MB 이하" in response.json()["detail"] and response.json()["code"] == "file_too_large"
    assert not Document.objects.exists() and stored_files() == before


@pytest.mark.parametrize("content", [b"MZ\x90\x00" + b"\x00" * 200, b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
                                     b"\x89PNG\r\n\x1a\n" + b"\x00" * 100])
def test_executable_or_image_renamed_pdf_is_refused_with_415(upload, content):
    before = stored_files()

    response = upload(UserFactory(), "제품설명서.pdf", content)

    assert response.status_code == 415
    assert "지원하지 않는 파일 형식" in response.json()["detail"]
    assert not Document.objects.exists() and stored_files() == before


def test_same_bytes_again_get_409_naming_the_existing_document(upload):
    content = builders.pdf_bytes([LIPITOR])
    first = upload(document_manager(), "a.pdf", content, title="리피토 원본").json()

    response = upload(UserFactory(), "다른이름.pdf", content)

    assert response.status_code == 409
    body = response.json()
    assert body["existing"] == {"id": first["id"], "title": "리피토 원본"}
    assert "리피토 원본" in body["detail"] and first["id"] in body["detail"]
    assert Document.objects.count() == 1


def test_user_cannot_give_a_document_a_level_above_their_own_but_a_document_manager_can(upload):
    response = upload(UserFactory(access_level=1), "a.txt", b"L2 only", access_level=2)
    assert response.status_code == 403
    assert "L1" in response.json()["detail"] and not Document.objects.exists()

    assert upload(UserFactory(access_level=1, is_staff=True), "a.txt", b"L2 only", access_level=2).status_code == 403
    assert upload(document_manager(access_level=1), "a.txt", b"L2 only", access_level=2).status_code == 201


def test_encrypted_pdf_is_kept_as_failed_with_a_reason_and_can_be_fixed(upload, client_for, run_on_commit):
    user = UserFactory()
    response = upload(user, "암호.pdf", builders.pdf_bytes([LIPITOR], encrypt_with="secret"))

    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.FAILED
    assert "암호로 보호된 PDF" in document.error
    assert document.stage == "extract" and "error" in document.stage_timeline["extract"]
    trace = TraceLog.objects.get(step="document_processing")
    assert trace.outcome == "error" and trace.detail["document_id"] == str(document.pk)
    assert "암호로 보호된 PDF" in trace.error

    fixed = builders.pdf_bytes([LIPITOR])
    with run_on_commit():
        patch = client_for(user).patch(f"/api/documents/{document.pk}/",
                                       {"file": SimpleUploadedFile("암호해제.pdf", fixed)}, format="multipart")
    assert patch.status_code == 200, patch.json()
    document.refresh_from_db()
    assert (document.status, document.version, document.error) == (ProcessingStatus.READY, 2, "")
    assert document.chunks.exists()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("손상.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref", "손상된 PDF"),
    ("폭탄.docx", builders.zip_bomb_docx(), "압축 폭탄"),
    ("빈쪽.pdf", builders.pdf_bytes([""]), "추출할 수 있는 텍스트가 없습니다"),
    ("암호.hwp", builders.hwp_bytes([["비밀"]], password=True), "암호가 설정된 HWP"),
])
def test_damaged_or_empty_files_are_kept_as_failed_with_a_human_reason(upload, name, content, reason):
    response = upload(UserFactory(), name, content)

    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.FAILED
    assert reason in document.error
    assert not document.chunks.exists()
    assert document.file.storage.exists(document.file.name)


def test_staff_upload_of_several_levels_and_filters(upload, client_for):
    admin = SuperUserFactory()
    upload(admin, "a.txt", "리피토 A".encode(), title="리피토 안내", metadata='{"product": "리피토", "year": 2025}')
    upload(admin, "b.txt", "노바스크 B".encode(), title="노바스크 안내", metadata='{"product": "노바스크"}')
    client = client_for(admin)

    by_metadata = client.get("/api/documents/", {"metadata": '{"product": "리피토"}'}).json()
    by_title = client.get("/api/documents/", {"title": "노바"}).json()
    bad = client.get("/api/documents/", {"metadata": "not json"})

    assert [d["title"] for d in by_metadata["results"]] == ["리피토 안내"]
    assert [d["title"] for d in by_title["results"]] == ["노바스크 안내"]
    assert bad.status_code == 400 and "JSON 객체" in str(bad.json())


def test_a_path_in_the_uploaded_name_never_leaves_the_document_folder(upload):
    response = upload(UserFactory(), "../../etc/비밀.txt", "내용".encode())

    document = Document.objects.get(pk=response.json()["id"])
    assert document.source == "비밀.txt"
    assert document.file.name == f"documents/{document.pk}/비밀.txt"
