"""Kept so task rows queued before the task moved to core/scheduling.py (task path
`core.tasks.run_scheduled_job`) still resolve in the worker."""

from core.scheduling import run_scheduled_job

__all__ = ["run_scheduled_job"]
