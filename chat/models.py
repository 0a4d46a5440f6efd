import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChatSessionQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A user's own conversations; nobody else's (not even a superuser's through the API)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class ChatSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("사용자"), on_delete=models.CASCADE,
                              related_name="chat_sessions")
    title = models.CharField(_("제목"), max_length=200, blank=True, default="")
    is_archived = models.BooleanField(_("보관됨"), default=False)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    objects = ChatSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("대화")
        verbose_name_plural = _("대화")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="chat_session_owner_updated")]

    def __str__(self):
        return self.title or str(self.id)


class Role(models.TextChoices):
    USER = "user", _("사용자")
    ASSISTANT = "assistant", _("답변")


class Rating(models.IntegerChoices):
    HELPFUL = 1, _("도움됨")
    NOT_HELPFUL = -1, _("도움 안 됨")


class ChatMessage(models.Model):
    session = models.ForeignKey(ChatSession, verbose_name=_("대화"), on_delete=models.CASCADE,
                                related_name="messages")
    role = models.CharField(_("역할"), max_length=10, choices=Role.choices)
    content = models.TextField(_("내용"))
    # The question as it was searched after follow-up condensing (user messages).
    search_query = models.TextField(_("검색 질의"), blank=True, default="")
    # Assistant messages: [{"n", "kind": "passage"|"crm", "cited", ...}] (see chat/answering.py).
    sources = models.JSONField(_("출처"), default=list, blank=True)
    request_id = models.CharField(_("요청 ID"), max_length=64, blank=True, default="", db_index=True)
    provider = models.CharField(_("답변 생성기"), max_length=30, blank=True, default="")
    model = models.CharField(_("모델"), max_length=200, blank=True, default="")
    latency_ms = models.PositiveIntegerField(_("응답 시간(ms)"), null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("입력 토큰"), null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(_("출력 토큰"), null=True, blank=True)
    rating = models.SmallIntegerField(_("평가"), choices=Rating.choices, null=True, blank=True)
    feedback = models.TextField(_("의견"), blank=True, default="")
    feedback_at = models.DateTimeField(_("평가 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("작성 시각"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("메시지")
        verbose_name_plural = _("메시지")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="chat_message_role_valid"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(role=Role.ASSISTANT),
                                   name="chat_message_rating_on_answers"),
        ]
        indexes = [models.Index(fields=["session", "created_at"], name="chat_message_session_created")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.content[:40]}"


class AnswerFeedback(ChatMessage):
    """Assistant messages a user rated: the admin's view of feedback."""

    class Meta:
        proxy = True
        verbose_name = _("답변 평가")
        verbose_name_plural = _("답변 평가")
