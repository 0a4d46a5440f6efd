"""Scheduled jobs of the search app (core/scheduling.py)."""

from datetime import time, timedelta

from django.conf import settings
from django.utils import timezone

from core.scheduling import scheduled_job
from search.retention import purge_search_history


@scheduled_job("search_purge", daily_at=time(3, 0), description="보관 기한(SEARCH_RETENTION_DAYS)이 지난 검색 기록 삭제")
def purge_old_searches() -> dict:
    days = settings.SEARCH_RETENTION_DAYS
    audit = purge_search_history(cutoff=timezone.now() - timedelta(days=days), retention_days=days)
    return {"audit": audit.pk, **audit.deleted_counts}
