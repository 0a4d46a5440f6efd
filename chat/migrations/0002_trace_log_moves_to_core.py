"""TraceLog is core's now (core/0002 renamed its table to system_trace_logs); the chat audit rows were copied
into core's one retention audit table, so chat's own audit table goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("chat", "0001_initial"),
        ("core", "0002_trace_log_and_retention_audit_move_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="TraceLog")],
        ),
        migrations.DeleteModel(name="ChatRetentionAudit"),
    ]
