"""Reads that need more than one queryset call."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from config.formatting import man_won, won

from sales.models import Customer, CustomerMonthlyPerformance


@dataclass(frozen=True)
class MonthFigure:
    month: datetime.date
    total_amount: Decimal
    total_quantity: int
    sales_count: int
    interaction_count: int


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def customer_monthly_figures(*, customer: Customer, viewer, months: int = 12,
                             today: datetime.date | None = None) -> list[MonthFigure]:
    """The customer's last `months` calendar months (this one included), oldest first, empty months as zero;
    summed over the departments whose figures `viewer` may see."""
    today = today or timezone.localdate()
    first = _month_start(today, months - 1)
    rows = {
        row["month"]: row
        for row in CustomerMonthlyPerformance.objects.visible_to(viewer)
        .filter(customer=customer, month__gte=first)
        .values("month")
        .annotate(total_amount=Sum("total_amount"), total_quantity=Sum("total_quantity"),
                  sales_count=Sum("sales_count"), interaction_count=Sum("interaction_count"))
        .order_by("month")
    }
    figures = []
    for back in range(months - 1, -1, -1):
        month = _month_start(today, back)
        row = rows.get(month, {})
        figures.append(MonthFigure(
            month=month,
            total_amount=row.get("total_amount") or Decimal(0),
            total_quantity=row.get("total_quantity") or 0,
            sales_count=row.get("sales_count") or 0,
            interaction_count=row.get("interaction_count") or 0,
        ))
    return figures


def performance_chart(figures: list[MonthFigure], *, width: int = 640, height: int = 200) -> dict:
    """Geometry of a bar chart (amount per month) for the admin's inline SVG: a value axis in 만원 on the
    left, each bar's amount above it, months below."""
    top, bottom, left = 22, 24, 64
    plot_height = height - top - bottom
    peak = max((f.total_amount for f in figures), default=Decimal(0))
    slot = (width - left) / max(len(figures), 1)
    bars = []
    for i, figure in enumerate(figures):
        bar_height = float(figure.total_amount / peak * plot_height) if peak else 0.0
        bars.append({
            "x": round(left + i * slot + slot * 0.15, 1),
            "y": round(top + plot_height - bar_height, 1),
            "width": round(slot * 0.7, 1),
            "height": round(bar_height, 1),
            "label_x": round(left + i * slot + slot / 2, 1),
            "value_y": round(top + plot_height - bar_height - 4, 1),
            "label": figure.month.strftime("%y.%m"),
            "value": man_won(figure.total_amount) if figure.total_amount else "",
            "amount": won(figure.total_amount),
            "figure": figure,
        })
    ticks = [{"y": round(top + plot_height * (1 - share), 1), "label": man_won(peak * Decimal(share))}
             for share in (0, 0.5, 1)] if peak else []
    return {"width": width, "height": height, "left": left, "baseline": top + plot_height, "bars": bars,
            "ticks": ticks, "peak": peak, "total": won(sum((f.total_amount for f in figures), Decimal(0)))}
