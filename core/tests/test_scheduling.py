"""Scheduled jobs: queued by the worker's tick, recorded on ScheduledJob, switchable off, visible in the admin."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from core import scheduling
from core.models import JobOutcome, ScheduledJob, WorkerHeartbeat
from core.scheduling import run_scheduled_job

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_job_names():
    return sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.filter(
        task_path=run_scheduled_job.module_path, status=TaskResultStatus.READY))


def test_every_app_registers_its_jobs():
    assert {"watchdog", "expire_documents", "refresh_performance", "search_purge", "chat_purge"} <= set(scheduling.JOBS)


def test_first_tick_queues_due_jobs_runs_the_watchdog_inline_and_plans_daily_ones(database_queue):
    now = timezone.now()

    started = scheduling.tick(now=now)

    assert "watchdog" in started and "expire_documents" in started
    queued = queued_job_names()
    assert "expire_documents" in queued and "watchdog" not in queued  # the watchdog ran here, not from the queue
    assert "refresh_performance" not in queued  # daily jobs wait for their hour
    watchdog = ScheduledJob.objects.get(name="watchdog")
    assert watchdog.last_outcome == JobOutcome.OK and watchdog.next_run_at > now
    nightly = timezone.localtime(ScheduledJob.objects.get(name="refresh_performance").next_run_at, SEOUL)
    assert (nightly.hour, nightly.minute) == (2, 0) and nightly > now


def test_a_second_tick_does_not_queue_the_same_run_again(database_queue):
    now = timezone.now()
    scheduling.tick(now=now)

    assert scheduling.tick(now=now + timedelta(seconds=15)) == []
    assert queued_job_names().count("expire_documents") == 1


def test_jobs_named_in_scheduled_jobs_off_do_not_run(database_queue, settings):
    settings.SCHEDULED_JOBS_OFF = ["expire_documents", "watchdog"]

    started = scheduling.tick()

    assert "expire_documents" not in started and "watchdog" not in started
    assert "expire_documents" not in queued_job_names()
    assert not ScheduledJob.objects.filter(name="watchdog", last_outcome__gt="").exists()


def test_scheduler_disabled_runs_nothing(database_queue, settings):
    settings.SCHEDULER_ENABLED = False
    assert scheduling.tick() == [] and queued_job_names() == []


def test_a_failing_job_records_error_and_reason_and_the_next_runs_still_happen(monkeypatch):
    def broken():
        raise RuntimeError("재고 테이블이 없습니다")

    monkeypatch.setitem(scheduling.JOBS, "broken", scheduling.Job(name="broken", function=broken, description="-",
                                                                  every=timedelta(minutes=1)))

    assert scheduling.run_job("broken") == JobOutcome.ERROR

    row = ScheduledJob.objects.get(name="broken")
    assert row.last_outcome == JobOutcome.ERROR and "재고 테이블이 없습니다" in row.last_detail
    assert row.run_count == 1 and row.last_finished_at is not None


def test_daily_job_runs_next_at_its_local_hour():
    job = scheduling.Job(name="x", function=lambda: None, description="-", daily_at=time(3, 0))
    before = datetime(2026, 3, 1, 2, 59, tzinfo=SEOUL)
    after = datetime(2026, 3, 1, 3, 0, tzinfo=SEOUL)

    assert job.next_run_after(before) == datetime(2026, 3, 1, 3, 0, tzinfo=SEOUL)
    assert job.next_run_after(after) == datetime(2026, 3, 2, 3, 0, tzinfo=SEOUL)


def test_request_run_keeps_the_earliest_time_in_the_window():
    scheduling.request_run("refresh_performance", within=timedelta(seconds=120))
    first = ScheduledJob.objects.get(name="refresh_performance").next_run_at

    scheduling.request_run("refresh_performance", within=timedelta(seconds=120))

    assert ScheduledJob.objects.get(name="refresh_performance").next_run_at == first
    assert first <= timezone.now() + timedelta(seconds=120)


def test_watchdog_puts_back_jobs_of_a_worker_that_stopped_saying_it_is_alive(database_queue):
    from documents.jobs import watchdog

    long_ago = timezone.now() - timedelta(minutes=30)
    WorkerHeartbeat.objects.create(worker_id="alive", pid=1, started_at=long_ago, last_seen_at=timezone.now())
    WorkerHeartbeat.objects.create(worker_id="gone", pid=2, started_at=long_ago, last_seen_at=long_ago)
    orphan = run_scheduled_job.enqueue("expire_documents")
    busy = run_scheduled_job.enqueue("expire_documents")
    DBTaskResult.objects.filter(pk=orphan.id).update(status="RUNNING", started_at=long_ago, worker_ids=["gone"])
    DBTaskResult.objects.filter(pk=busy.id).update(status="RUNNING", started_at=long_ago, worker_ids=["alive"])

    assert watchdog()["jobs_requeued"] == 1

    assert DBTaskResult.objects.get(pk=orphan.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING


def test_expire_documents_marks_approved_documents_past_valid_until():
    from documents.jobs import expire_documents
    from documents.models import ApprovalState
    from documents.tests.factories import DocumentFactory

    past = DocumentFactory(approval_state=ApprovalState.APPROVED, valid_until=timezone.now() - timedelta(days=1))
    current = DocumentFactory(approval_state=ApprovalState.APPROVED, valid_until=timezone.now() + timedelta(days=1))

    assert expire_documents() == {"expired": 1}

    past.refresh_from_db(), current.refresh_from_db()
    assert past.approval_state == ApprovalState.EXPIRED and current.approval_state == ApprovalState.APPROVED


def test_admin_lists_every_job_with_its_last_run_and_outcome(client):
    scheduling.run_job("expire_documents")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/core/scheduledjob/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "expire_documents" in page and "성공" in page and "매 60분" in page
