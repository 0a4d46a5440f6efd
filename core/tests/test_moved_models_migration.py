"""core/0002 moves the trace log and the retention audits into core without losing a row (and back)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0001_scheduled_jobs_and_worker_heartbeats"), ("chat", "0001_initial"),
          ("search", "0004_merge_answer_lexicon_and_partitions")]
AFTER = [("core", "0002_trace_log_and_retention_audit_move_to_core"), ("chat", "0002_trace_log_moves_to_core"),
         ("search", "0005_retention_audit_moves_to_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_traces_and_both_kinds_of_audit_survive_the_move_to_core_and_back():
    old = migrate(BEFORE)
    old.get_model("chat", "TraceLog").objects.create(step="document_processing", outcome="error", error="boom")
    old.get_model("chat", "ChatRetentionAudit").objects.create(
        days=365, cutoff="2026-01-01T00:00:00Z", dry_run=True, ran_by="scheduler", sessions_deleted=1,
        messages_deleted=2, traces_deleted=3)
    old.get_model("search", "RetentionAudit").objects.create(
        kind="search_history", cutoff="2026-01-01T00:00:00Z", retention_days=90,
        deleted_counts={"search.SearchQuery": 5})

    new = migrate(AFTER)
    trace = new.get_model("core", "TraceLog").objects.get()
    assert (trace.step, trace.outcome, trace.error) == ("document_processing", "error", "boom")
    audits = {a.kind: a for a in new.get_model("core", "RetentionAudit").objects.all()}
    assert audits["search_history"].deleted_counts == {"search.SearchQuery": 5}
    chat = audits["chat_history"]
    assert (chat.retention_days, chat.dry_run, chat.ran_by) == (365, True, "scheduler")
    assert chat.deleted_counts == {"chat.ChatSession": 1, "chat.ChatMessage": 2, "core.TraceLog": 3}
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert content_types.filter(app_label="core", model__in=["tracelog", "retentionaudit"]).count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM system_trace_logs")
        assert cursor.fetchone()[0] == 1

    back = migrate(BEFORE)
    assert back.get_model("chat", "TraceLog").objects.get().error == "boom"
    assert back.get_model("chat", "ChatRetentionAudit").objects.get().traces_deleted == 3
    assert back.get_model("search", "RetentionAudit").objects.get().kind == "search_history"
    migrate(AFTER)
