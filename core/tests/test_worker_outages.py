"""The task worker as a real process on the real embedded PostgreSQL, through a connection we can cut."""

import os
import signal
import uuid

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import ScheduledJob
from core.tests.outage import app_env, proxy_for, start_manage, wait_for
from core.tests.tasks_for_tests import sleep_then_mark

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]
WORKER_ARGS = ["db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay", "--queue-name", "*"]


@pytest.fixture
def proxy():
    proxy = proxy_for(connection.settings_dict)
    yield proxy
    proxy.cut()


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker(proxy, tmp_path):
    """start(worker_id=...) -> (process, log); every process started is stopped at the end."""
    started = []

    def start(worker_id):
        log = tmp_path / f"worker-{len(started)}.log"
        env = app_env(proxy, connection.settings_dict["NAME"], WORKER_ID=worker_id)
        process = start_manage(WORKER_ARGS, env, log)
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except Exception:
                process.kill()


def marker_exists(name):
    return ScheduledJob.objects.filter(name=name).exists()


def job_status(result_id):
    return DBTaskResult.objects.get(pk=result_id).status


def test_worker_waits_out_a_database_outage_mid_job_and_runs_the_job_again(proxy, worker, database_backend):
    marker = uuid.uuid4().hex
    process, log = worker(f"outage-{marker[:8]}")
    result = sleep_then_mark.enqueue(marker, 4)
    wait_for(lambda: marker_exists(f"started:{marker}"), what="the job to start", log=log)

    proxy.cut()  # the job's next query fails: the server is gone
    wait_for(lambda: "database unavailable" in log.read_text(), what="the worker to notice", log=log)
    assert process.poll() is None, log.read_text()
    proxy.restore()

    wait_for(lambda: job_status(result.id) == TaskResultStatus.SUCCESSFUL, what="the job to finish", log=log)
    assert process.poll() is None
    assert ScheduledJob.objects.filter(name=f"done:{marker}").count() == 1
    assert "database back" in log.read_text()


def test_worker_restarted_after_kill_9_puts_its_interrupted_job_back_and_finishes_it(proxy, worker, database_backend):
    marker = uuid.uuid4().hex
    worker_id = f"kill9-{marker[:8]}"
    first, log = worker(worker_id)
    result = sleep_then_mark.enqueue(marker, 300)
    wait_for(lambda: marker_exists(f"started:{marker}"), what="the job to start", log=log)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    assert job_status(result.id) == TaskResultStatus.RUNNING  # what the crash leaves behind

    second, log = worker(worker_id)

    wait_for(lambda: job_status(result.id) == TaskResultStatus.SUCCESSFUL, what="the job to finish", log=log)
    assert ScheduledJob.objects.filter(name=f"done:{marker}").count() == 1
    assert "put 1 interrupted job(s) back in the queue" in log.read_text()


def test_worker_started_while_the_database_is_down_waits_and_then_works(proxy, worker, database_backend):
    proxy.cut()
    marker = uuid.uuid4().hex
    process, log = worker(f"late-{marker[:8]}")
    wait_for(lambda: "next try in" in log.read_text(), what="a retry", log=log)
    assert process.poll() is None, log.read_text()
    result = sleep_then_mark.enqueue(marker, 0)

    proxy.restore()

    wait_for(lambda: job_status(result.id) == TaskResultStatus.SUCCESSFUL, what="the job to run", log=log)
    assert process.poll() is None
