"""The materialized view's figures against a direct aggregate of the source tables."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from accounts.tests.factories import SuperUserFactory
from sales.models import CustomerMonthlyPerformance, SalesRecord
from sales.selectors import customer_monthly_figures
from sales.services import performance_refresh
from sales.tests.factories import CustomerFactory, InteractionFactory, ProductFactory, SalesRecordFactory

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def activity(db):
    customers = [CustomerFactory(), CustomerFactory()]
    products = [ProductFactory(unit_price=Decimal("650.00")), ProductFactory(unit_price=Decimal("12000.50"))]
    days = [datetime.date(2025, 1, 3), datetime.date(2025, 1, 31), datetime.date(2025, 2, 1),
            datetime.date(2025, 3, 15)]
    for i, day in enumerate(days * 3):
        SalesRecordFactory(customer=customers[i % 2], product=products[i % 2 == 0], sale_date=day, quantity=i + 1)
    return customers


def test_view_matches_a_direct_aggregate_of_sales_records(activity):
    performance_refresh()
    expected = {
        (row["customer_id"], row["month"]): (row["amount"], row["quantity"], row["n"])
        for row in SalesRecord.objects.annotate(month=TruncMonth("sale_date")).values("customer_id", "month")
        .annotate(amount=Sum("amount"), quantity=Sum("quantity"), n=Count("id"))
    }
    actual = {
        (row.customer_id, row.month): (row.total_amount, row.total_quantity, row.sales_count)
        for row in CustomerMonthlyPerformance.objects.all()
    }
    assert actual == expected
    assert len(actual) == 4  # customer 0: January and February; customer 1: January and March


def test_interactions_count_in_their_seoul_month_even_without_sales(db):
    customer = CustomerFactory()
    # 00:30 on 1 April in Seoul is 15:30 UTC on 31 March: it must count for April, not March.
    InteractionFactory(customer=customer, occurred_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=SEOUL))
    InteractionFactory(customer=customer, occurred_at=datetime.datetime(2025, 4, 1, 0, 30, tzinfo=SEOUL))
    performance_refresh()
    rows = {row.month: row for row in CustomerMonthlyPerformance.objects.filter(customer=customer)}
    assert sorted(rows) == [datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)]
    assert rows[datetime.date(2025, 4, 1)].interaction_count == 1
    assert rows[datetime.date(2025, 4, 1)].total_amount == 0 and rows[datetime.date(2025, 4, 1)].sales_count == 0


def test_view_only_changes_when_refreshed(activity):
    performance_refresh()
    before = CustomerMonthlyPerformance.objects.count()
    SalesRecordFactory(customer=activity[0], sale_date=datetime.date(2024, 12, 1))
    assert CustomerMonthlyPerformance.objects.count() == before
    call_command("refresh_performance", stdout=open("/dev/null", "w"))
    assert CustomerMonthlyPerformance.objects.count() == before + 1


def test_chart_figures_cover_twelve_months_with_zeros_for_quiet_months(activity):
    performance_refresh()
    figures = customer_monthly_figures(customer=activity[0], viewer=SuperUserFactory(), today=datetime.date(2025, 3, 20))
    assert [f.month for f in figures][0] == datetime.date(2024, 4, 1)
    assert [f.month for f in figures][-1] == datetime.date(2025, 3, 1)
    assert len(figures) == 12
    january = next(f for f in figures if f.month == datetime.date(2025, 1, 1))
    expected = sum(r.amount for r in SalesRecord.objects.filter(customer=activity[0], sale_date__month=1))
    assert january.total_amount == expected
    assert next(f for f in figures if f.month == datetime.date(2024, 6, 1)).total_amount == 0
