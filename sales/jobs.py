"""Scheduled jobs of the sales app (core/scheduling.py).

The monthly performance view is refreshed nightly, and at most PERFORMANCE_REFRESH_DELAY_SECONDS after an
interaction or sales record is written or deleted through the API or the admin (many writes in that window
give one refresh). Imports refresh the view themselves when they finish.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.scheduling import request_run, scheduled_job
from sales.models import Interaction, SalesRecord
from sales.services import performance_refresh

REFRESH_JOB = "refresh_performance"


@scheduled_job(REFRESH_JOB, daily_at=time(2, 0),
               description="월별 실적 뷰 새로 고침(매일, 그리고 영업 활동·실적이 바뀐 뒤 곧)")
def refresh_performance() -> dict:
    return {"seconds": round(performance_refresh(), 3)}


def request_refresh_after_commit(sender, **kwargs) -> None:
    delay = timedelta(seconds=settings.PERFORMANCE_REFRESH_DELAY_SECONDS)
    transaction.on_commit(lambda: request_run(REFRESH_JOB, within=delay))


for model in (Interaction, SalesRecord):
    post_save.connect(request_refresh_after_commit, sender=model, dispatch_uid=f"refresh-after-save-{model.__name__}")
    post_delete.connect(request_refresh_after_commit, sender=model,
                        dispatch_uid=f"refresh-after-delete-{model.__name__}")
