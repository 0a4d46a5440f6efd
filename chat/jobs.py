"""Scheduled jobs of the chat app (core/scheduling.py)."""

from datetime import time

from chat.services import CHAT_MESSAGES, CHAT_SESSIONS, TRACES, purge_chat_history
from core.scheduling import scheduled_job


@scheduled_job("chat_purge", daily_at=time(3, 30), description="보관 기한(CHAT_RETENTION_DAYS)이 지난 대화·추적 기록 삭제")
def purge_old_chats() -> dict:
    audit = purge_chat_history(ran_by="scheduler")
    counts = audit.deleted_counts
    return {"audit": audit.pk, "sessions": counts[CHAT_SESSIONS], "messages": counts[CHAT_MESSAGES],
            "traces": counts[TRACES]}
