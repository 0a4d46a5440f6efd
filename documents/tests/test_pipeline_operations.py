"""The watchdog, the management commands and the stage record a librarian reads."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from documents.chunking import pack
from documents.models import Document, ProcessingStatus
from documents.pipeline import normalise_text
from documents.services import requeue_stale_documents
from documents import filebuilders as builders
from documents.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def stuck_document(*, minutes_idle: int, attempts: int = 1, status=ProcessingStatus.PROCESSING):
    document = DocumentFactory(status=status, stage="embed", attempts=attempts,
                               file=SimpleUploadedFile("a.txt", "리피토 콜레스테롤 안내".encode()))
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes_idle),
                                                   stage_started_at=timezone.now() - timedelta(minutes=minutes_idle))
    return document


def test_watchdog_requeues_a_document_whose_worker_died_and_it_then_finishes(run_on_commit):
    document = stuck_document(minutes_idle=45)

    with run_on_commit():
        report = requeue_stale_documents()

    document.refresh_from_db()
    assert report.requeued == [document.pk]
    assert document.status == ProcessingStatus.READY and document.attempts == 2
    assert document.stage_timeline["queue"]["requeued_from"] == "embed"
    assert document.chunks.exists()


def test_watchdog_leaves_a_recently_active_document_alone():
    document = stuck_document(minutes_idle=5)

    report = requeue_stale_documents()

    document.refresh_from_db()
    assert report.requeued == [] and document.status == ProcessingStatus.PROCESSING


def test_watchdog_gives_up_after_max_attempts_with_a_reason(settings):
    settings.DOCUMENT_MAX_ATTEMPTS = 3
    document = stuck_document(minutes_idle=45, attempts=3)

    call_command("requeue_stale_documents", stdout=StringIO())

    document.refresh_from_db()
    assert document.status == ProcessingStatus.FAILED
    assert "3번 시작되었지만 끝나지 않았습니다" in document.error and "embed" in document.error


def test_import_documents_ingests_a_tree_skips_duplicates_and_summarises_failures(tmp_path):
    (tmp_path / "제품").mkdir()
    pdf = builders.pdf_bytes(["리피토 10mg 제품 정보"])
    (tmp_path / "제품" / "리피토.pdf").write_bytes(pdf)
    (tmp_path / "제품" / "사본.pdf").write_bytes(pdf)
    (tmp_path / "메모.txt").write_bytes("방문 메모".encode("cp949"))
    (tmp_path / "setup.pdf").write_bytes(b"MZ" + b"\0" * 100)
    (tmp_path / "스캔.pdf").write_bytes(builders.pdf_bytes([""]))
    out = StringIO()

    call_command("import_documents", str(tmp_path), "--access-level", "1", "--sync", stdout=out)

    text = out.getvalue()
    assert "파일 5개: 3개 등록, 중복 1개 건너뜀, 1개 거부, 처리 실패 1개" in text
    assert "setup.pdf" in text and "지원하지 않는 파일 형식" in text
    assert "스캔.pdf: 추출할 수 있는 텍스트가 없습니다" in text
    assert Document.objects.filter(status=ProcessingStatus.READY).count() == 2


def test_reprocess_documents_only_touches_failed_ones_when_asked(run_on_commit):
    ok = DocumentFactory(file=SimpleUploadedFile("ok.txt", "정상 문서".encode()))
    failed = DocumentFactory(status=ProcessingStatus.FAILED, error="이전 오류",
                             file=SimpleUploadedFile("f.txt", "고쳐진 문서".encode()))
    out = StringIO()

    with run_on_commit():
        call_command("reprocess_documents", "--status", "failed", stdout=out)

    ok.refresh_from_db()
    failed.refresh_from_db()
    assert "문서 1건을 다시 처리 대기열에 넣었습니다" in out.getvalue()
    assert failed.status == ProcessingStatus.READY and failed.error == ""
    assert not ok.chunks.exists()


def test_unexpected_error_in_a_stage_is_recorded_with_the_stage_name(upload, monkeypatch):
    from documents.embeddings import E5Provider

    def broken(self, texts):
        raise ConnectionError("embedding server down")

    monkeypatch.setattr(E5Provider, "embed_passages", broken)
    response = upload(UserFactory(), "a.txt", "리피토 안내문".encode())

    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.FAILED and document.stage == "embed"
    assert "임베딩 단계에서 예기치 않은 오류" in document.error and "embedding server down" in document.error
    assert "finished" in document.stage_timeline["split"]


def test_passages_pack_sentences_with_one_sentence_overlap_and_never_cut_one():
    sentences = [f"문장 {n}번은 리피토의 복용 방법을 설명합니다." for n in range(12)]
    text = " ".join(sentences)

    spans = pack(text, 100)
    passages = [text[s.start:s.end] for s in spans]

    assert len(passages) > 3 and all(len(p) <= 100 for p in passages)
    for passage in passages:
        assert passage.startswith("문장") and passage.endswith("설명합니다.")
    for first, second in zip(passages, passages[1:]):
        assert first.split(" 문장 ")[-1].lstrip("문장 ") in second  # the last sentence is repeated


def test_a_single_sentence_longer_than_the_target_is_cut_at_spaces():
    text = "아토르바스타틴 " * 60

    passages = [text[s.start:s.end] for s in pack(text.strip(), 100)]

    assert len(passages) > 1 and all(len(p) <= 100 for p in passages)
    assert all(p.split(" ")[0] == "아토르바스타틴" for p in passages)


def test_normalise_turns_nfd_into_nfc_and_tidies_whitespace():
    import unicodedata

    assert normalise_text(unicodedata.normalize("NFD", "콜레스테롤\t\t낮춤\r\n\n\n\n끝\x00")) == "콜레스테롤 낮춤\n\n끝"


def test_queueing_a_document_puts_one_job_per_document_in_the_database_queue(settings, client_for, run_on_commit):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(UserFactory())
    for name in ("a.txt", "b.txt"):
        with run_on_commit():
            assert client.post("/api/documents/", {"file": SimpleUploadedFile(name, name.encode() * 3)},
                               format="multipart").status_code == 201

    jobs = DBTaskResult.objects.order_by("enqueued_at")
    assert [job.task_path for job in jobs] == ["documents.tasks.process_document"] * 2
    document = Document.objects.get(source="a.txt")
    assert document.status == ProcessingStatus.QUEUED and document.task_id == str(
        jobs.get(args_kwargs__args=[str(document.pk)]).pk)


def test_scheduled_watchdog_requeues_stale_documents(run_on_commit):
    from documents.jobs import watchdog

    document = stuck_document(minutes_idle=45)

    with run_on_commit():
        report = watchdog()

    document.refresh_from_db()
    assert report["documents_requeued"] == 1
    assert document.status == ProcessingStatus.READY and document.attempts == 2
