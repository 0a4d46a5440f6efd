"""A task worker that rides out database and storage outages (used by `manage.py db_worker`).

django-tasks-db's worker exits on the first OperationalError and leaves the job it was running `RUNNING`
for good. This one:

- waits for the database with backoff (1 s, 2 s, 4 s ... at most WORKER_MAX_BACKOFF_SECONDS) and carries on;
- leaves a job whose database connection was lost claimed instead of recording it failed, and puts its own
  `RUNNING` jobs back in the queue after every outage and at start (the worker id is stable per host, so a
  worker restarted after `kill -9` finds what it was doing); jobs are idempotent;
- logs any other error of its own loop and keeps going; a job's own errors are recorded on the job;
- says it is alive (core.WorkerHeartbeat) from a thread, and runs the scheduler (core/scheduling.py) between
  jobs; the watchdog job frees `RUNNING` jobs of workers whose heartbeat stopped.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from config.db import database_problem, is_connection_error
from core import scheduling
from core.models import WorkerHeartbeat

logger = logging.getLogger("core.worker")


def default_worker_id() -> str:
    """Stable across restarts on one host, so a restarted worker recovers its own jobs (WORKER_ID overrides)."""
    return (os.environ.get("WORKER_ID") or f"{socket.gethostname()}-worker")[:64]


def requeue_running_jobs(*, worker_ids=None, claimed_before=None) -> int:
    """Put RUNNING jobs last claimed by `worker_ids` (or by any worker, before `claimed_before`) back in the
    queue; returns how many."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if claimed_before is not None:
        running = running.filter(started_at__lt=claimed_before)
    requeued = 0
    for result in running.select_for_update(skip_locked=True).iterator():
        if worker_ids is not None and (not result.worker_ids or result.worker_ids[-1] not in worker_ids):
            continue
        result.status, result.started_at = TaskResultStatus.READY, None
        result.save(update_fields=["status", "started_at"])
        requeued += 1
    return requeued


def requeue_jobs_of_stopped_workers(*, silent_for: timedelta) -> int:
    """The watchdog's half for the queue: RUNNING jobs whose worker has not said it is alive for `silent_for`."""
    cutoff = timezone.now() - silent_for
    alive = set(WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    stopped = {r.worker_ids[-1] for r in running.only("worker_ids") if r.worker_ids} - alive
    if not stopped:
        return 0
    with exclusive_transaction():
        return requeue_running_jobs(worker_ids=stopped, claimed_before=cutoff)


def wait_until_database_answers(*, should_continue=lambda: True, first_error: str = "") -> float:
    """Block until the database answers, trying again with backoff and jitter; returns the seconds waited."""
    delay, since = 1.0, time.monotonic()
    if first_error:
        logger.warning("database unavailable (%s); waiting for it", first_error)
    while should_continue():
        connections.close_all()
        problem = database_problem(settings.DATABASES["default"])
        if problem is None:
            break
        pause = delay * (0.8 + 0.4 * random.random())  # noqa: S311 - jitter, not security
        logger.warning("%s; next try in %.0f s", problem, pause)
        time.sleep(pause)
        delay = min(delay * 2, settings.WORKER_MAX_BACKOFF_SECONDS)
    return time.monotonic() - since


class DatabaseOutage(Exception):
    """A job lost its database connection; it stays claimed and is put back in the queue after the outage."""


class ResilientWorker(Worker):
    def __init__(self, *, scheduler: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.scheduler = scheduler
        self.next_tick = 0.0
        self.heartbeat_stop = threading.Event()

    # --- the loop --------------------------------------------------------------------------------
    def run(self) -> None:
        logger.info("worker %s starting (queues %s)", self.worker_id, ",".join(self.queue_names))
        self.start_heartbeat()
        recover = True
        try:
            while self.running:
                try:
                    if recover:
                        self.recover_own_jobs()
                        recover = False
                    found = self.poll_once()
                except Exception as exc:
                    if not (is_connection_error(exc) or isinstance(exc, DatabaseOutage)):
                        logger.exception("worker %s: error outside a job; carrying on", self.worker_id)
                        time.sleep(self.interval or 1)
                        continue
                    self.wait_for_database(exc)
                    recover = True
                    continue
                if found is False:
                    return  # --batch: nothing left
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and not found:
                    time.sleep(self.interval)
        finally:
            self.heartbeat_stop.set()

    def poll_once(self) -> bool | None:
        """Run the scheduler if due, then one job. True: ran a job; None: none ready; False: none and --batch."""
        close_old_connections()
        if self.scheduler and time.monotonic() >= self.next_tick:
            self.next_tick = time.monotonic() + settings.SCHEDULER_TICK_SECONDS
            scheduling.tick()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return False if self.batch else None
        self.run_task(task_result)
        close_old_connections()
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        record_failure = db_task_result.set_failed

        def set_failed(exc):
            if is_connection_error(exc):
                raise DatabaseOutage(str(exc)) from exc
            record_failure(exc)

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    # --- outages and recovery ----------------------------------------------------------------------
    def wait_for_database(self, exc: BaseException) -> None:
        cause = exc.__cause__ if isinstance(exc, DatabaseOutage) and exc.__cause__ else exc
        waited = wait_until_database_answers(should_continue=lambda: self.running,
                                             first_error=" ".join(str(cause).split())[:200] or type(cause).__name__)
        if self.running:
            logger.warning("worker %s: database back after %.1f s", self.worker_id, waited)

    def recover_own_jobs(self) -> None:
        """RUNNING jobs claimed by this worker id cannot be running (this process runs one at a time)."""
        with exclusive_transaction():
            count = requeue_running_jobs(worker_ids={self.worker_id})
        if count:
            logger.warning("worker %s: put %d interrupted job(s) back in the queue", self.worker_id, count)

    # --- heartbeat -------------------------------------------------------------------------------
    def start_heartbeat(self) -> None:
        started_at = timezone.now()

        def beat():
            while not self.heartbeat_stop.is_set():
                try:
                    WorkerHeartbeat.objects.update_or_create(
                        worker_id=self.worker_id,
                        defaults={"pid": os.getpid(), "started_at": started_at, "last_seen_at": timezone.now()})
                except Exception:  # noqa: BLE001 - the database may be down; the main loop deals with that
                    connections.close_all()
                self.heartbeat_stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
            connections.close_all()

        threading.Thread(target=beat, name="worker-heartbeat", daemon=True).start()
