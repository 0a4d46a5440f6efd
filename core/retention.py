"""One audit row for every retention purge (search history, chat history, ...), shown in the admin under
공통 › 보관 기한 삭제 기록."""

from core.models import RetentionAudit


def record_retention_audit(*, kind: str, cutoff, retention_days: int, deleted_counts: dict, oldest=None, newest=None,
                           dry_run: bool = False, ran_by: str = "") -> RetentionAudit:
    audit = RetentionAudit(kind=kind, cutoff=cutoff, retention_days=retention_days, deleted_counts=deleted_counts,
                           oldest=oldest, newest=newest, dry_run=dry_run, ran_by=ran_by[:200])
    audit.full_clean()
    audit.save()
    return audit
