from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import RetentionAudit, ScheduledJob, WorkerHeartbeat
from core.scheduling import JOBS, job_enabled


class ReadOnlyAdminMixin:
    """Rows written by the system (audits, summaries, statistics): viewed and filtered, never added, edited or
    deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "schedule", "enabled", "next_run_at", "last_started_at", "last_outcome",
                    "last_duration_ms", "last_detail_short"]
    list_filter = ["last_outcome"]
    readonly_fields = [field.name for field in ScheduledJob._meta.fields]
    actions = ["run_soon"]

    @admin.display(description=_("설명"))
    def description(self, obj):
        return JOBS[obj.name].description if obj.name in JOBS else _("(등록되지 않은 작업)")

    @admin.display(description=_("일정"))
    def schedule(self, obj):
        return JOBS[obj.name].schedule if obj.name in JOBS else "-"

    @admin.display(description=_("켜짐"), boolean=True)
    def enabled(self, obj):
        return job_enabled(obj.name)

    @admin.display(description=_("마지막 결과 내용"))
    def last_detail_short(self, obj):
        return obj.last_detail[:120]

    @admin.action(description=_("다음 워커 점검 때 실행"), permissions=["change"])
    def run_soon(self, request, queryset):
        updated = queryset.update(next_run_at=timezone.now())
        self.message_user(request, _("%(n)d개 작업을 곧 실행합니다.") % {"n": updated}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "pid", "started_at", "last_seen_at"]
    readonly_fields = ["worker_id", "pid", "started_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False


@admin.register(RetentionAudit)
class RetentionAuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every purge of every app (search history, chat history), dry runs too; an audit trail is never edited."""

    list_display = ["kind", "ran_at", "ran_by", "dry_run", "retention_days", "cutoff", "total_deleted", "oldest",
                    "newest"]
    list_filter = ["kind", "dry_run"]
    readonly_fields = ["kind", "cutoff", "retention_days", "deleted_counts", "oldest", "newest", "dry_run", "ran_by",
                       "ran_at"]
