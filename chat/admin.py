from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from chat.models import AnswerFeedback, ChatMessage, ChatRetentionAudit, ChatSession, Role, TraceLog
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
    if request.user.is_superuser:
        return queryset
    return queryset.filter(**{f"{owner_path}__in": auditable_users(request.user)})


def redacted_messages(queryset, request):
    return redacting(audited(queryset, request, "session__owner"), viewer=request.user,
                     sources_of=lambda message: message.sources, redact=_redact_message)


class ChatMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ChatMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "role", "content", "search_query", "provider", "latency_ms", "rating", "feedback",
              "sources"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return redacted_messages(super().get_queryset(request), request)


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "owner_department", "message_count", "is_archived", "created_at", "updated_at"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), ("owner__department", admin.RelatedOnlyFieldListFilter),
                   ("created_at", admin.DateFieldListFilter), "is_archived"]
    list_select_related = ["owner", "owner__department"]
    search_fields = ["title", "owner__email", "owner__name"]
    date_hierarchy = "created_at"
    fields = ["id", "owner", "title", "is_archived", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [ChatMessageInline]

    def get_queryset(self, request):
        return audited(super().get_queryset(request), request, "owner").annotate(message_total=Count("messages"))

    @admin.display(description=_("부서"), ordering="owner__department__name")
    def owner_department(self, obj):
        return obj.owner.department

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


@admin.register(TraceLog)
class TraceLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "step", "outcome", "duration_ms", "request_id", "message", "short_error"]
    list_filter = ["step", "outcome", DurationFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["request_id", "error"]
    date_hierarchy = "created_at"
    fields = ["created_at", "request_id", "step", "outcome", "duration_ms", "error", "detail", "message"]
    readonly_fields = fields
    list_select_related = ["message"]

    def get_queryset(self, request):
        # Traces of other jobs (document processing, imports) carry document titles: superusers only.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        traces = audited(queryset.filter(message__isnull=False), request, "message__session__owner")
        return redacting(traces.select_related("message"), viewer=request.user,
                         sources_of=lambda trace: trace.message.sources,
                         redact=lambda trace, redactor: _redact_message(trace.message, redactor))

    @admin.display(description=_("오류"))
    def short_error(self, obj):
        return obj.error[:80]


@admin.register(AnswerFeedback)
class AnswerFeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["feedback_at", "rating", "short_answer", "feedback", "session_owner", "provider"]
    list_filter = ["rating", "provider", ("feedback_at", admin.DateFieldListFilter)]
    search_fields = ["content", "feedback", "session__owner__email"]
    list_select_related = ["session__owner"]
    fields = ["session", "content", "sources", "provider", "model", "latency_ms", "rating", "feedback", "feedback_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return redacted_messages(super().get_queryset(request).filter(role=Role.ASSISTANT, rating__isnull=False),
                                 request)

    @admin.display(description=_("답변"))
    def short_answer(self, obj):
        return obj.content[:80]

    @admin.display(description=_("사용자"), ordering="session__owner__email")
    def session_owner(self, obj):
        return obj.session.owner


@admin.register(ChatRetentionAudit)
class ChatRetentionAuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ran_at", "ran_by", "days", "cutoff", "dry_run", "sessions_deleted", "messages_deleted",
                    "traces_deleted"]
    list_filter = ["dry_run"]

    def has_delete_permission(self, request, obj=None):
        return False
