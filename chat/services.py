"""Writes of the chat app: sessions, the question/answer pair, feedback and retention."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.models import ChatMessage, ChatSession, Role
from config.exceptions import DomainError
from core.models import RetentionAudit, TraceLog
from core.retention import record_retention_audit

TITLE_LENGTH = 60
# The retention audit of a chat purge: its kind and the labels of what it counts.
CHAT_HISTORY = "chat_history"
CHAT_SESSIONS, CHAT_MESSAGES, TRACES = "chat.ChatSession", "chat.ChatMessage", "core.TraceLog"


class MessageInvalid(DomainError):
    code = "message_invalid"


class FeedbackInvalid(DomainError):
    code = "feedback_invalid"


def validate_question(content) -> str:
    """The question, stripped; a Korean 400 when it is empty or longer than CHAT_MAX_MESSAGE_CHARS."""
    if not isinstance(content, str) or not content.strip():
        raise MessageInvalid(_("질문을 입력해 주세요. 빈 메시지는 보낼 수 없습니다."))
    content = content.strip()
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(content) > limit:
        raise MessageInvalid(_("질문은 %(limit)d자 이하로 줄여 주세요 (현재 %(length)d자).")
                             % {"limit": limit, "length": len(content)})
    return content


def session_create(*, owner, title: str = "") -> ChatSession:
    session = ChatSession(owner=owner, title=(title or "").strip())
    session.full_clean()
    session.save()
    return session


def session_update(*, session: ChatSession, title: str | None = None, is_archived: bool | None = None) -> ChatSession:
    if title is not None:
        session.title = title.strip()
    if is_archived is not None:
        session.is_archived = is_archived
    session.full_clean()
    session.save()
    return session


def session_delete(*, session: ChatSession) -> None:
    session.delete()


def exchange_store(*, session: ChatSession, question: str, search_query: str, answer: str, sources: list[dict],
                   request_id: str, provider: str, model: str, latency_ms: int | None,
                   prompt_tokens: int | None = None, completion_tokens: int | None = None
                   ) -> tuple[ChatMessage, ChatMessage]:
    """Store a question and its answer together: both rows or neither. The first question titles the session."""
    with transaction.atomic():
        question_message = ChatMessage(session=session, role=Role.USER, content=question, search_query=search_query,
                                       request_id=request_id)
        question_message.full_clean()
        question_message.save()
        answer_message = ChatMessage(session=session, role=Role.ASSISTANT, content=answer, sources=sources,
                                     request_id=request_id, provider=provider, model=model[:200],
                                     latency_ms=latency_ms, prompt_tokens=prompt_tokens,
                                     completion_tokens=completion_tokens)
        answer_message.full_clean()
        answer_message.save()
        if not session.title:
            session.title = question[:TITLE_LENGTH]
        session.save(update_fields=["title", "updated_at"])
    return question_message, answer_message


def feedback_give(*, message: ChatMessage, rating: int, comment: str = "") -> ChatMessage:
    if message.role != Role.ASSISTANT:
        raise FeedbackInvalid(_("평가는 답변 메시지에만 남길 수 있습니다."))
    message.rating = rating
    message.feedback = (comment or "").strip()
    message.feedback_at = timezone.now()
    message.full_clean()
    message.save(update_fields=["rating", "feedback", "feedback_at"])
    return message


def purge_chat_history(*, days: int | None = None, dry_run: bool = False, ran_by: str = "") -> RetentionAudit:
    """Delete messages and traces older than `days` (CHAT_RETENTION_DAYS), then the sessions left empty
    that were not touched since; record what was (or, in a dry run, would be) deleted."""
    days = settings.CHAT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old_messages = ChatMessage.objects.filter(created_at__lt=cutoff)
    old_traces = TraceLog.objects.filter(created_at__lt=cutoff)
    emptied_sessions = ChatSession.objects.filter(updated_at__lt=cutoff).exclude(
        messages__created_at__gte=cutoff
    )
    with transaction.atomic():
        span = old_messages.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
        counts = {CHAT_SESSIONS: emptied_sessions.count(), CHAT_MESSAGES: old_messages.count(),
                  TRACES: old_traces.count()}
        if not dry_run:
            old_traces.delete()
            old_messages.delete()
            emptied_sessions.delete()
        return record_retention_audit(kind=CHAT_HISTORY, cutoff=cutoff, retention_days=days, deleted_counts=counts,
                                      oldest=span["oldest"], newest=span["newest"], dry_run=dry_run, ran_by=ran_by)
