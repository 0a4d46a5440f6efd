from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    RUNNING = "running", _("실행 중")
    OK = "ok", _("성공")
    ERROR = "error", _("실패")


class ScheduledJob(models.Model):
    """One row per registered scheduled job (core/scheduling.py): when it runs next and how its last run went."""

    name = models.CharField(_("작업"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("다음 실행"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("마지막 시작"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("마지막 종료"), null=True, blank=True)
    last_outcome = models.CharField(_("마지막 결과"), max_length=10, choices=JobOutcome.choices, blank=True)
    last_detail = models.TextField(_("마지막 결과 내용"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("마지막 소요(ms)"), null=True, blank=True)
    run_count = models.PositiveIntegerField(_("실행 횟수"), default=0)

    class Meta:
        verbose_name = _("예약 작업")
        verbose_name_plural = _("예약 작업")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """A task worker that is alive says so every few seconds; the watchdog frees jobs of workers that stopped."""

    worker_id = models.CharField(_("워커"), max_length=64, primary_key=True)
    pid = models.PositiveIntegerField(_("프로세스"))
    started_at = models.DateTimeField(_("시작"))
    last_seen_at = models.DateTimeField(_("마지막 신호"), db_index=True)

    class Meta:
        verbose_name = _("작업 워커")
        verbose_name_plural = _("작업 워커")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return self.worker_id


class Outcome(models.TextChoices):
    OK = "ok", _("정상")
    EMPTY = "empty", _("결과 없음")
    FALLBACK = "fallback", _("대체 처리")
    ERROR = "error", _("오류")


class TraceLog(models.Model):
    """system_trace_logs (seed 003): one row per step of answering, and errors of other jobs (document processing,
    imports). Written through core/traces.py. `message` is the chat answer a step belongs to (by label: core
    imports no app)."""

    request_id = models.CharField(_("요청 ID"), max_length=64, blank=True, default="", db_index=True)
    step = models.CharField(_("단계"), max_length=50, db_index=True)
    outcome = models.CharField(_("결과"), max_length=10, choices=Outcome.choices, default=Outcome.OK)
    duration_ms = models.PositiveIntegerField(_("소요 시간(ms)"), default=0)
    error = models.TextField(_("오류"), blank=True, default="")
    detail = models.JSONField(_("상세"), default=dict, blank=True)
    message = models.ForeignKey("chat.ChatMessage", verbose_name=_("메시지"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="traces")
    created_at = models.DateTimeField(_("기록 시각"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "system_trace_logs"
        verbose_name = _("처리 기록")
        verbose_name_plural = _("처리 기록")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="trace_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.step} {self.outcome} {self.duration_ms}ms"


class RetentionAudit(models.Model):
    """One run of a retention purge, for any app (dry runs too): what kind of records, how many, which time range.

    `kind` names the purged history ("search_history", "chat_history"); `deleted_counts` maps a model label to a
    count, e.g. {"search.SearchQuery": 120, ...}. Written through core/retention.py.
    """

    kind = models.CharField(_("대상"), max_length=50, db_index=True)
    cutoff = models.DateTimeField(_("기준 시각"))
    retention_days = models.PositiveIntegerField(_("보관 일수"))
    deleted_counts = models.JSONField(_("삭제 건수"), default=dict, blank=True)
    oldest = models.DateTimeField(_("가장 오래된 항목"), null=True, blank=True)
    newest = models.DateTimeField(_("가장 최근 항목"), null=True, blank=True)
    dry_run = models.BooleanField(_("모의 실행"), default=False)
    ran_by = models.CharField(_("실행자"), max_length=200, blank=True, default="")
    ran_at = models.DateTimeField(_("실행 시각"), auto_now_add=True)

    class Meta:
        db_table = "retention_audits"
        verbose_name = _("보관 기한 삭제 기록")
        verbose_name_plural = _("보관 기한 삭제 기록")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.kind} {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted_counts.values())
