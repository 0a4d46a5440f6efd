"""A job for the worker tests (imported by the worker process through its task path)."""

import time

from django_tasks import task

from core.models import ScheduledJob


@task()
def sleep_then_mark(marker: str, seconds: float) -> str:
    """Says it started, sleeps, then writes `done:<marker>`; a re-run (after a crash) skips the sleep."""
    _, first_run = ScheduledJob.objects.get_or_create(name=f"started:{marker}")
    if first_run:
        time.sleep(seconds)
    ScheduledJob.objects.create(name=f"done:{marker}")
    return "done"
