"""RetentionAudit is core's now (core/0002 renamed its table to retention_audits): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_merge_answer_lexicon_and_partitions"),
        ("core", "0002_trace_log_and_retention_audit_move_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="RetentionAudit")],
        ),
    ]
