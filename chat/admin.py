from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from chat.models import AnswerFeedback, ChatMessage, ChatSession, Role
from core.capabilities import audits_everyone
from core.models import TraceLog
from search.audit import REDACTED_ANSWER, auditable_users, redacting


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _redact_message(message, redactor):
    message.sources, hidden = redactor.redact(message.sources)
    if hidden and message.role == Role.ASSISTANT:
        message.content = str(REDACTED_ANSWER)


def audited(queryset, request, owner_path):
    """Non-superusers: only the conversations of users they may audit (search.audit), hidden sources redacted."""
    if audits_everyone(request.user):
        return queryset
    return queryset.filter(**{f"{owner_path}__in": auditable_users(request.user)})


def redacted_messages(queryset, request):
    return redacting(audited(queryset, request, "session__owner"), viewer=request.user,
                     sources_of=lambda message: message.sources, redact=_redact_message)


def source_link(source: dict) -> dict:
    """A stored source ({"n", "kind", ...}, chat/answering.py) as a label and the admin page it came from."""
    url, label = None, source.get("label") or source.get("document_title") or ""
    if source.get("kind") == "passage" and source.get("document_id"):
        page = f" p.{source['page']}" if source.get("page") else ""
        label = f"{source.get('document_title', '')} (v{source.get('document_version', '')}{page})"
        url = reverse("admin:documents_document_change", args=[source["document_id"]])
    elif source.get("record_type") == "interaction" and source.get("record_id"):
        url = reverse("admin:sales_interaction_change", args=[source["record_id"]])
    elif source.get("customer_id"):
        url = reverse("admin:sales_customer_change", args=[source["customer_id"]])
    return {"n": source.get("n"), "label": label, "url": url, "cited": source.get("cited", False)}


STEP_LABELS = {
    "condense": _("질문 정리"),
    "crm": _("영업 기록 조회"),
    "retrieve": _("문서 검색"),
    "generate": _("답변 생성"),
    "check_citations": _("인용 확인"),
    "store": _("저장"),
    "document_processing": _("문서 처리"),
    "sales_import": _("판매 실적 가져오기"),
}


class StepFilter(admin.SimpleListFilter):
    title = _("단계")
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return list(STEP_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(step=self.value()) if self.value() else queryset


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title_display", "owner", "owner_department", "message_count", "is_archived", "created_at",
                    "updated_at"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), ("owner__department", admin.RelatedOnlyFieldListFilter),
                   ("created_at", admin.DateFieldListFilter), "is_archived"]
    list_select_related = ["owner", "owner__department"]
    search_fields = ["title", "owner__email", "owner__name"]
    date_hierarchy = "created_at"
    list_display_links = ["title_display"]
    fields = ["session_id", "owner", "title", "is_archived", "created_at", "updated_at"]
    readonly_fields = fields
    SHOWN_MESSAGES = 200

    def get_queryset(self, request):
        return audited(super().get_queryset(request), request, "owner").annotate(message_total=Count("messages"))

    @admin.display(description=_("부서"), ordering="owner__department__name")
    def owner_department(self, obj):
        return obj.owner.department

    @admin.display(description=_("대화 ID"))
    def session_id(self, obj):
        return obj.pk

    @admin.display(description=_("제목"), ordering="title")
    def title_display(self, obj):
        # A narrow column otherwise wraps a Korean title one syllable per line.
        return format_html('<span style="display:inline-block;min-width:14em">{}</span>', obj.title or "-")

    def conversation_messages(self, request, session):
        """The latest messages in order; every message shown to a person goes through here (one place for
        request-dependent rules such as hiding sources the viewer may not see)."""
        latest = session.messages.order_by("-created_at", "-id").values("pk")[:self.SHOWN_MESSAGES]
        return list(redacted_messages(ChatMessage.objects.filter(pk__in=latest).order_by("created_at", "id"),
                                      request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The conversation under the session's fields: messages as chat bubbles, sources as links to the
        document page or the CRM record (templates/admin/chat/chatsession/change_form.html)."""
        session = self.get_object(request, object_id)
        if session is not None:
            messages = self.conversation_messages(request, session)
            extra_context = {**(extra_context or {}), "conversation": {
                "messages": [{"message": m, "sources": [source_link(s) for s in m.sources or []]} for m in messages],
                "truncated": getattr(session, "message_total", 0) > len(messages),
                "shown": self.SHOWN_MESSAGES,
            }}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("메시지 수"), ordering="message_total")
    def message_count(self, obj):
        return obj.message_total


class DurationFilter(admin.SimpleListFilter):
    title = _("소요 시간")
    parameter_name = "duration"
    BUCKETS = {"fast": (0, 100), "medium": (100, 1000), "slow": (1000, 5000), "very_slow": (5000, None)}

    def lookups(self, request, model_admin):
        return [("fast", _("100ms 미만")), ("medium", _("100ms~1초")), ("slow", _("1~5초")), ("very_slow", _("5초 이상"))]

    def queryset(self, request, queryset):
        bucket = self.BUCKETS.get(self.value())
        if bucket is None:
            return queryset
        low, high = bucket
        queryset = queryset.filter(duration_ms__gte=low)
        return queryset if high is None else queryset.filter(duration_ms__lt=high)


# Core's trace log, registered here: a non-superuser sees the traces of the chat answers they may audit.
@admin.register(TraceLog)
class TraceLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "step_label", "outcome", "duration_ms", "request_id", "message", "short_error"]
    list_filter = [StepFilter, "outcome", DurationFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["request_id", "error"]
    date_hierarchy = "created_at"
    fields = ["created_at", "request_id", "step", "outcome", "duration_ms", "error", "detail", "message"]
    readonly_fields = fields
    list_select_related = ["message"]

    def get_queryset(self, request):
        # Traces of other jobs (document processing, imports) carry document titles: superusers only.
        queryset = super().get_queryset(request)
        if audits_everyone(request.user):
            return queryset
        traces = audited(queryset.filter(message__isnull=False), request, "message__session__owner")
        return redacting(traces.select_related("message"), viewer=request.user,
                         sources_of=lambda trace: trace.message.sources,
                         redact=lambda trace, redactor: _redact_message(trace.message, redactor))

    @admin.display(description=_("오류"))
    def short_error(self, obj):
        return obj.error[:80]

    @admin.display(description=_("단계"), ordering="step")
    def step_label(self, obj):
        return STEP_LABELS.get(obj.step, obj.step)


@admin.register(AnswerFeedback)
class AnswerFeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["feedback_at", "rating", "short_answer", "feedback", "session_owner", "provider"]
    list_filter = ["rating", "provider", ("feedback_at", admin.DateFieldListFilter)]
    search_fields = ["content", "feedback", "session__owner__email"]
    list_select_related = ["session__owner"]
    fields = ["session", "content", "source_links", "provider", "model", "latency_ms", "rating", "feedback",
              "feedback_at"]
    readonly_fields = fields

    @admin.display(description=_("출처"))
    def source_links(self, obj):
        links = [source_link(source) for source in obj.sources or []]
        if not links:
            return "-"
        return format_html_join("", '<div>[{}] <a href="{}">{}</a></div>',
                                ((link["n"], link["url"] or "#", link["label"]) for link in links))

    def get_queryset(self, request):
        return redacted_messages(super().get_queryset(request).filter(role=Role.ASSISTANT, rating__isnull=False),
                                 request)

    @admin.display(description=_("답변"))
    def short_answer(self, obj):
        return obj.content[:80]

    @admin.display(description=_("사용자"), ordering="session__owner__email")
    def session_owner(self, obj):
        return obj.session.owner
