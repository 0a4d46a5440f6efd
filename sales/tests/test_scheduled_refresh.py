"""The monthly view follows interactions logged through the API, a scheduled refresh at most a few minutes later."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import scheduling
from core.models import ScheduledJob
from sales.models import CustomerMonthlyPerformance
from sales.services import performance_refresh

pytestmark = pytest.mark.django_db


def test_interaction_logged_through_the_api_shows_in_the_monthly_view_after_the_scheduled_refresh(
        world, client_for, settings, django_capture_on_commit_callbacks):
    settings.PERFORMANCE_REFRESH_DELAY_SECONDS = 120
    customer = world.customers["a"]
    performance_refresh()
    before = sum(CustomerMonthlyPerformance.objects.filter(customer=customer)
                 .values_list("interaction_count", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.rep_a).post(reverse("sales:interaction-list"), {
            "customer": customer.pk, "interaction_type": "visit", "occurred_at": timezone.now().isoformat(),
            "summary": "신제품 디테일링"}, format="json")
    assert response.status_code == 201

    due = ScheduledJob.objects.get(name="refresh_performance").next_run_at
    assert due <= timezone.now() + timedelta(seconds=120)
    scheduling.tick(now=due)  # what the worker does at that time (the test queue runs jobs at once)

    after = sum(CustomerMonthlyPerformance.objects.filter(customer=customer)
                .values_list("interaction_count", flat=True))
    assert after == before + 1
    assert ScheduledJob.objects.get(name="refresh_performance").last_outcome == "ok"
