import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from chat.models import ChatMessage, ChatSession
from chat.services import exchange_store, session_create
from core.models import Outcome, RetentionAudit, TraceLog
from core.traces import record_trace

pytestmark = pytest.mark.django_db



@pytest.fixture
def history(user):
    old = session_create(owner=user, title="오래된 대화")
    exchange_store(session=old, question="옛 질문", search_query="옛 질문", answer="옛 답", sources=[],
                   request_id="old", provider="extractive", model="", latency_ms=1)
    record_trace(step="retrieve", request_id="old", duration_ms=3)
    recent = session_create(owner=user, title="최근 대화")
    exchange_store(session=recent, question="새 질문", search_query="새 질문", answer="새 답", sources=[],
                   request_id="new", provider="extractive", model="", latency_ms=1)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ChatMessage.objects.filter(session=old).update(created_at=long_ago)
    ChatSession.objects.filter(pk=old.pk).update(updated_at=long_ago)
    TraceLog.objects.filter(request_id="old").update(created_at=long_ago)
    return old, recent


def test_dry_run_counts_what_would_be_purged_deletes_nothing_and_is_audited(history, capsys):
    call_command("purge_chat_history", "--days", "365", "--dry-run")

    assert "대화 1개, 메시지 2개, 추적 기록 1개" in capsys.readouterr().out
    assert ChatMessage.objects.count() == 4 and ChatSession.objects.count() == 2
    audit = RetentionAudit.objects.get()
    assert audit.kind == "chat_history" and audit.dry_run and audit.ran_by.startswith("manage.py")
    assert audit.deleted_counts == {"chat.ChatSession": 1, "chat.ChatMessage": 2, "core.TraceLog": 1}


def test_purge_deletes_history_older_than_the_retention_period_only(history, settings):
    old, recent = history
    settings.CHAT_RETENTION_DAYS = 365

    call_command("purge_chat_history")

    assert list(ChatSession.objects.values_list("title", flat=True)) == ["최근 대화"]
    assert list(ChatMessage.objects.values_list("content", flat=True).order_by("id")) == ["새 질문", "새 답"]
    assert not TraceLog.objects.filter(request_id="old").exists()
    audit = RetentionAudit.objects.get()
    assert not audit.dry_run and audit.retention_days == 365 and audit.deleted_counts["chat.ChatMessage"] == 2
    assert audit.oldest is not None and audit.newest < timezone.now() - datetime.timedelta(days=365)


def test_other_jobs_record_their_errors_in_the_trace_log():
    trace = record_trace(step="documents.extract", outcome=Outcome.ERROR, duration_ms=1234.6,
                         error="PdfReadError: EOF marker not found", request_id="doc-42",
                         detail={"document_id": "42"})

    stored = TraceLog.objects.get(pk=trace.pk)
    assert (stored.step, stored.outcome, stored.duration_ms) == ("documents.extract", "error", 1235)
    assert stored.detail == {"document_id": "42"} and stored.message is None


def test_a_trace_that_cannot_be_written_does_not_break_the_caller():
    assert record_trace(step="imports", outcome="not-an-outcome-because-it-is-way-too-long") is None
    assert TraceLog.objects.count() == 0
