"""Scheduled jobs, run unattended through the task queue (django-tasks).

Each app registers its own jobs in `<app>/jobs.py` (imported by CoreConfig.ready(), so core imports no app):

    @scheduled_job("search_purge", daily_at=time(3, 0), description="...")
    def purge_old_searches(): ...

The task worker (core/worker.py) calls `tick()` every SCHEDULER_TICK_SECONDS: a job that is due gets its
next time and is queued as `run_scheduled_job(name)`, both in one transaction, so several workers never
queue it twice. `inline=True` jobs (the watchdog) run in the worker's own loop instead, so they do not
depend on the queue they watch. `request_run(name, within=...)` asks for a run soon (debounced: many
requests in the window give one run). Every run records its start, end, outcome and result on the job's
`ScheduledJob` row (admin: 공통 › 예약 작업). A job is switched off by naming it in SCHEDULED_JOBS_OFF;
SCHEDULER_ENABLED=false switches off all of them.
"""

from __future__ import annotations

import json
import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from config.db import is_connection_error
from core.models import JobOutcome, ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], object]
    description: str
    every: timedelta | None = None
    daily_at: time | None = None  # local time (TIME_ZONE, Asia/Seoul)
    inline: bool = False

    @property
    def schedule(self) -> str:
        if self.every:
            return f"매 {int(self.every.total_seconds() // 60)}분" if self.every >= timedelta(minutes=1) else \
                f"매 {int(self.every.total_seconds())}초"
        return f"매일 {self.daily_at:%H:%M}"

    def next_run_after(self, moment: datetime) -> datetime:
        if self.every:
            return moment + self.every
        local = timezone.localtime(moment)
        candidate = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = timezone.make_aware(datetime.combine(candidate.date() + timedelta(days=1), self.daily_at))
        return candidate


JOBS: dict[str, Job] = {}


def scheduled_job(name: str, *, description: str, every: timedelta | None = None, daily_at: time | None = None,
                  inline: bool = False):
    """Register the decorated function (no arguments; returns something JSON-able) as a scheduled job."""
    if (every is None) == (daily_at is None):
        raise ValueError(f"scheduled job {name}: give exactly one of every= and daily_at=")

    def register(function):
        JOBS[name] = Job(name=name, function=function, description=description, every=every, daily_at=daily_at,
                         inline=inline)
        return function

    return register


def job_enabled(name: str) -> bool:
    return settings.SCHEDULER_ENABLED and name in JOBS and name not in settings.SCHEDULED_JOBS_OFF


def _ensure_rows(now: datetime) -> None:
    existing = set(ScheduledJob.objects.values_list("name", flat=True))
    # Interval jobs run at the first tick (the watchdog recovers what a crash left); daily ones at their hour.
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now if job.every else job.next_run_after(now))
         for job in JOBS.values() if job.name not in existing],
        ignore_conflicts=True,
    )


def tick(*, now: datetime | None = None) -> list[str]:
    """Queue (or, for inline jobs, run) every enabled job that is due; returns their names."""
    now = now or timezone.now()
    _ensure_rows(now)
    started = []
    for job in JOBS.values():
        if not job_enabled(job.name):
            continue
        with transaction.atomic():
            row = (ScheduledJob.objects.select_for_update(skip_locked=True)
                   .filter(name=job.name, next_run_at__lte=now).first())
            if row is None:
                continue
            row.next_run_at = job.next_run_after(now)
            row.save(update_fields=["next_run_at"])
            if not job.inline:
                run_scheduled_job.enqueue(job.name)
        if job.inline:
            run_job(job.name)
        started.append(job.name)
    return started


def request_run(name: str, *, within: timedelta) -> None:
    """Ask for a run of `name` at the latest `within` from now; earlier requests in that window count too."""
    if not job_enabled(name):
        return
    due = timezone.now() + within
    updated = ScheduledJob.objects.filter(Q(next_run_at__isnull=True) | Q(next_run_at__gt=due), name=name).update(
        next_run_at=due)
    if not updated:
        ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": due})


def run_job(name: str) -> str:
    """Run one job now and record how it went; returns the outcome. Only a lost database connection escapes
    (the worker waits for the database and the job runs again)."""
    job = JOBS[name]
    started_at, began = timezone.now(), clock.perf_counter()
    ScheduledJob.objects.update_or_create(name=name, defaults={"last_started_at": started_at,
                                                               "last_outcome": JobOutcome.RUNNING})
    try:
        result = job.function()
        outcome, detail = JobOutcome.OK, _as_text(result)
    except Exception as exc:
        if is_connection_error(exc):
            raise
        logger.exception("scheduled job %s failed", name)
        outcome, detail = JobOutcome.ERROR, f"{type(exc).__name__}: {exc}"[:2000]
    duration_ms = round((clock.perf_counter() - began) * 1000)
    row = ScheduledJob.objects.get(name=name)
    row.last_finished_at, row.last_outcome, row.last_detail = timezone.now(), outcome, detail
    row.last_duration_ms, row.run_count = duration_ms, row.run_count + 1
    row.save(update_fields=["last_finished_at", "last_outcome", "last_detail", "last_duration_ms", "run_count"])
    return outcome


@task()
def run_scheduled_job(name: str) -> str:
    """The one queued task behind every scheduled job that is not inline."""
    return run_job(name)


def _as_text(result) -> str:
    if result is None:
        return ""
    try:
        return json.dumps(result, ensure_ascii=False, default=str)[:2000]
    except TypeError:
        return str(result)[:2000]
