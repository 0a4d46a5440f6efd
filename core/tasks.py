"""The one queued task behind every scheduled job (core/scheduling.py)."""

from django_tasks import task

from core.scheduling import run_job


@task()
def run_scheduled_job(name: str) -> str:
    return run_job(name)
