from django.db import models
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
