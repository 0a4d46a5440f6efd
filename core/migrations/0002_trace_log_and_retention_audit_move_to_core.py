"""The system trace log (chat.TraceLog) and the retention audit (search.RetentionAudit) become core models.

Both tables are kept with their rows and renamed (system_trace_logs, as seed 003 names it; retention_audits);
their content types move with them, so group permissions such as "view_tracelog" still apply. The chat
app's own audit rows (chat.ChatRetentionAudit) are copied into the one audit table (kind "chat_history");
chat/0002 then drops that table, and chat/0002 and search/0005 drop the old models from the migration state.
"""

import django.db.models.deletion
from django.db import migrations, models

CHAT_COUNTS = {"sessions_deleted": "chat.ChatSession", "messages_deleted": "chat.ChatMessage",
               "traces_deleted": "core.TraceLog"}


def move_content_types(apps, schema_editor, *, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in (("chat", "tracelog"), ("search", "retentionaudit")):
        source, target = (old_app, "core") if forward else ("core", old_app)
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def copy_chat_audits(apps, schema_editor):
    ChatRetentionAudit = apps.get_model("chat", "ChatRetentionAudit")
    RetentionAudit = apps.get_model("core", "RetentionAudit")
    for old in ChatRetentionAudit.objects.order_by("ran_at"):
        audit = RetentionAudit.objects.create(
            kind="chat_history", cutoff=old.cutoff, retention_days=old.days, dry_run=old.dry_run, ran_by=old.ran_by,
            deleted_counts={label: getattr(old, field) for field, label in CHAT_COUNTS.items()})
        RetentionAudit.objects.filter(pk=audit.pk).update(ran_at=old.ran_at)  # auto_now_add on create


def copy_chat_audits_back(apps, schema_editor):
    ChatRetentionAudit = apps.get_model("chat", "ChatRetentionAudit")
    RetentionAudit = apps.get_model("core", "RetentionAudit")
    for audit in RetentionAudit.objects.filter(kind="chat_history").order_by("ran_at"):
        old = ChatRetentionAudit.objects.create(
            days=audit.retention_days, cutoff=audit.cutoff, dry_run=audit.dry_run, ran_by=audit.ran_by,
            **{field: audit.deleted_counts.get(label, 0) for field, label in CHAT_COUNTS.items()})
        ChatRetentionAudit.objects.filter(pk=old.pk).update(ran_at=audit.ran_at)
    RetentionAudit.objects.filter(kind="chat_history").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_scheduled_jobs_and_worker_heartbeats"),
        ("chat", "0001_initial"),
        ("search", "0004_merge_answer_lexicon_and_partitions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE chat_tracelog RENAME TO system_trace_logs;"
                    "ALTER TABLE system_trace_logs RENAME CONSTRAINT chat_trace_outcome_valid TO trace_outcome_valid;",
                    reverse_sql="ALTER TABLE system_trace_logs RENAME CONSTRAINT trace_outcome_valid "
                                "TO chat_trace_outcome_valid;"
                                "ALTER TABLE system_trace_logs RENAME TO chat_tracelog;"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="TraceLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("request_id", models.CharField(blank=True, db_index=True, default="", max_length=64,
                                                        verbose_name="요청 ID")),
                        ("step", models.CharField(db_index=True, max_length=50, verbose_name="단계")),
                        ("outcome", models.CharField(choices=[("ok", "정상"), ("empty", "결과 없음"),
                                                              ("fallback", "대체 처리"), ("error", "오류")],
                                                     default="ok", max_length=10, verbose_name="결과")),
                        ("duration_ms", models.PositiveIntegerField(default=0, verbose_name="소요 시간(ms)")),
                        ("error", models.TextField(blank=True, default="", verbose_name="오류")),
                        ("detail", models.JSONField(blank=True, default=dict, verbose_name="상세")),
                        ("message", models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.SET_NULL,
                                                      related_name="traces", to="chat.chatmessage",
                                                      verbose_name="메시지")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True,
                                                            verbose_name="기록 시각")),
                    ],
                    options={
                        "verbose_name": "처리 기록",
                        "verbose_name_plural": "처리 기록",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "system_trace_logs",
                        "constraints": [models.CheckConstraint(
                            condition=models.Q(("outcome__in", ["ok", "empty", "fallback", "error"])),
                            name="trace_outcome_valid")],
                    },
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL("ALTER TABLE search_retentionaudit RENAME TO retention_audits;",
                                  reverse_sql="ALTER TABLE retention_audits RENAME TO search_retentionaudit;"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="RetentionAudit",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("kind", models.CharField(db_index=True, max_length=50, verbose_name="대상")),
                        ("cutoff", models.DateTimeField(verbose_name="기준 시각")),
                        ("retention_days", models.PositiveIntegerField(verbose_name="보관 일수")),
                        ("deleted_counts", models.JSONField(blank=True, default=dict, verbose_name="삭제 건수")),
                        ("oldest", models.DateTimeField(blank=True, null=True, verbose_name="가장 오래된 항목")),
                        ("newest", models.DateTimeField(blank=True, null=True, verbose_name="가장 최근 항목")),
                        ("dry_run", models.BooleanField(default=False, verbose_name="모의 실행")),
                        ("ran_at", models.DateTimeField(auto_now_add=True, verbose_name="실행 시각")),
                    ],
                    options={
                        "verbose_name": "보관 기한 삭제 기록",
                        "verbose_name_plural": "보관 기한 삭제 기록",
                        "ordering": ["-ran_at"],
                        "db_table": "retention_audits",
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="retentionaudit",
            name="ran_by",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="실행자"),
        ),
        migrations.RunPython(move_content_types, lambda apps, editor: move_content_types(apps, editor, forward=False)),
        migrations.RunPython(copy_chat_audits, copy_chat_audits_back),
    ]
