"""Reads that need more than one queryset call: monthly figures, a customer's records filtered by product
and period (what chat quotes), and the pre-call brief.

Every read goes through the `visible_to(user)` querysets, so a rep only ever sees the customers assigned to
them (and their managers their department's); a customer outside that scope is neither matched nor briefed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, TextField, Value
from django.db.models.functions import Length, Replace, TruncMonth
from django.utils import timezone

from config.formatting import man_won, won

from sales.models import Customer, CustomerMonthlyPerformance, Interaction, Product, SalesRecord

BRIEF_MONTHS = 6
OPEN_ACTIONS_IN_BRIEF = 10
RECENT_INTERACTIONS_IN_BRIEF = 5
CROSS_SELL_IN_BRIEF = 10
PRODUCTS_FOR_DOCUMENTS = 6


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


class CustomerNotFound(Exception):
    """The customer does not exist or the user may not see it (the caller answers 404 either way)."""


def mentioned_customers(*, user, text: str, limit: int) -> list[Customer]:
    """Visible customers whose name appears in `text` (spaces ignored), longest name first."""
    compact = "".join((text or "").split())
    if len(compact) < 2:
        return []
    return list(
        Customer.objects.visible_to(user)
        .annotate(compact_name=Replace(F("name"), Value(" "), Value("")),
                  asked=Value(compact, output_field=TextField()))
        .annotate(name_length=Length("compact_name"))
        .filter(name_length__gte=2, asked__contains=F("compact_name"))
        .order_by("-name_length", "pk")[:limit]
    )


def brief_start(today: datetime.date) -> datetime.date:
    """The first day of the brief's period: BRIEF_MONTHS calendar months, this one included."""
    return _month_start(today, BRIEF_MONTHS - 1)


def customer_interactions(*, user, customer: Customer, limit: int,
                          period: tuple[datetime.date, datetime.date] | None = None, product_ids=(),
                          summary_terms=()) -> list[Interaction]:
    """The customer's latest visible interactions, within `period` when given; with `product_ids`, only those
    that discussed (linked) one of the products or name one of `summary_terms` in their summary."""
    interactions = (Interaction.objects.visible_to(user).filter(customer=customer)
                    .select_related("employee", "contact").prefetch_related("products"))
    if period:
        interactions = interactions.filter(occurred_at__date__gte=period[0], occurred_at__date__lte=period[1])
    if product_ids:
        named = Q(products__in=list(product_ids))
        for term in summary_terms:
            named |= Q(summary__icontains=term)
        interactions = interactions.filter(named).distinct()
    return list(interactions.order_by("-occurred_at", "-id")[:limit])


def last_interaction(*, user, customer: Customer) -> Interaction | None:
    return (Interaction.objects.visible_to(user).filter(customer=customer)
            .select_related("employee", "contact").prefetch_related("products").order_by("-occurred_at", "-id")
            .first())


def customer_sales_by_product(*, user, customer: Customer, start: datetime.date, end: datetime.date, limit: int,
                              product_ids=()) -> list[dict]:
    """Visible sales of the customer from `start` to `end` summed per product, largest amount first:
    {"product_id", "product__name", "amount", "quantity", "records"}."""
    sales = SalesRecord.objects.visible_to(user).filter(customer=customer, sale_date__gte=start, sale_date__lte=end)
    if product_ids:
        sales = sales.filter(product_id__in=list(product_ids))
    return list(sales.values("product_id", "product__name")
                .annotate(amount=Sum("amount"), quantity=Sum("quantity"), records=Count("id"))
                .order_by("-amount", "product__name")[:limit])


def open_next_actions(*, user, customer: Customer, today: datetime.date):
    """Next actions still open: due today or later, undated but recent, or overdue with no contact since."""
    interactions = Interaction.objects.visible_to(user).filter(customer=customer)
    # Only contacts the user may see count (another department's visit must not close or reveal anything).
    later_contact = Interaction.objects.visible_to(user).filter(
        customer_id=OuterRef("customer_id"), occurred_at__date__gt=OuterRef("next_action_due"))
    return (
        interactions.exclude(next_action="")
        .filter(Q(next_action_due__gte=today)
                | Q(next_action_due__isnull=True, occurred_at__gte=timezone.now() - datetime.timedelta(days=30))
                | Q(next_action_due__lt=today) & ~Exists(later_contact))
        .select_related("employee").order_by(F("next_action_due").asc(nulls_last=True), "-occurred_at")
        [:OPEN_ACTIONS_IN_BRIEF]
    )


def _trend(amounts: list[Decimal]) -> dict:
    half = len(amounts) // 2
    before, after = sum(amounts[:half], Decimal(0)), sum(amounts[half:], Decimal(0))
    if before == 0:
        direction = "new" if after > 0 else "flat"
        change = None
    else:
        change = float((after - before) / before * 100)
        direction = "up" if change >= 10 else "down" if change <= -10 else "flat"
    labels = {"up": "증가", "down": "감소", "flat": "유지", "new": "신규"}
    return {"direction": direction, "label": labels[direction],
            "change_percent": None if change is None else round(change, 1),
            "previous_3_months": str(before), "last_3_months": str(after)}


def _monthly_sales_by_product(*, user, customer: Customer, months: list[datetime.date],
                              today: datetime.date) -> list[dict]:
    rows = (
        SalesRecord.objects.visible_to(user)
        .filter(customer=customer, sale_date__gte=months[0], sale_date__lte=today)
        .annotate(month=TruncMonth("sale_date"))
        .values("product_id", "product__name", "product__therapeutic_area", "month")
        .annotate(amount=Sum("amount"), quantity=Sum("quantity"), records=Count("id"))
        .order_by("product__name", "month")
    )
    by_product: dict[int, dict] = {}
    for row in rows:
        entry = by_product.setdefault(row["product_id"], {
            "product_id": row["product_id"], "product_name": row["product__name"],
            "therapeutic_area": row["product__therapeutic_area"], "amounts": {}, "quantities": {}, "records": 0})
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        entry["amounts"][month] = row["amount"] or Decimal(0)
        entry["quantities"][month] = row["quantity"] or 0
        entry["records"] += row["records"]
    sales_by_product = []
    for entry in sorted(by_product.values(), key=lambda e: -sum(e["amounts"].values(), Decimal(0))):
        amounts = [entry["amounts"].get(month, Decimal(0)) for month in months]
        sales_by_product.append({
            "product_id": entry["product_id"], "product_name": entry["product_name"],
            "therapeutic_area": entry["therapeutic_area"],
            "total_amount": str(sum(amounts, Decimal(0))),
            "months": [{"month": f"{month:%Y-%m}", "amount": str(amount),
                        "quantity": entry["quantities"].get(month, 0)} for month, amount in zip(months, amounts)],
            "trend": _trend(amounts),
            "source": {"type": "sales_records", "customer_id": customer.pk, "product_id": entry["product_id"],
                       "from": months[0].isoformat(), "to": today.isoformat(), "records": entry["records"]},
        })
    return sales_by_product


def customer_brief(*, user, customer_id, related_documents: Callable[[list[Product]], list[dict]]) -> dict:
    """The pre-call brief of a customer the user may see (assigned to the rep); CustomerNotFound otherwise.

    `related_documents(products)`: the caller's document excerpts for the cross-sell and bought products (a
    search read; sales does not import search)."""
    customer = Customer.objects.visible_to(user).filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound(customer_id)
    today = timezone.localdate()
    start = brief_start(today)
    months = [_month_start(today, back) for back in range(BRIEF_MONTHS - 1, -1, -1)]
    recent = (Interaction.objects.visible_to(user).filter(customer=customer)
              .select_related("employee", "contact").prefetch_related("products")
              .order_by("-occurred_at", "-id")[:RECENT_INTERACTIONS_IN_BRIEF])
    open_actions = open_next_actions(user=user, customer=customer, today=today)
    sales_by_product = _monthly_sales_by_product(user=user, customer=customer, months=months, today=today)

    bought = SalesRecord.objects.visible_to(user).filter(customer=customer)
    areas = set(bought.values_list("product__therapeutic_area", flat=True).distinct())
    cross_sell = list(
        Product.objects.visible_to(user).filter(therapeutic_area__in=areas, is_active=True)
        .exclude(pk__in=bought.values("product_id")).order_by("therapeutic_area", "name")[:CROSS_SELL_IN_BRIEF]
    )
    bought_products = list(Product.objects.filter(pk__in=[e["product_id"] for e in sales_by_product]))

    return {
        "customer": {"id": customer.pk, "code": customer.code, "name": customer.name,
                     "customer_type": customer.customer_type, "region": customer.region,
                     "source": {"type": "customer", "id": customer.pk}},
        "generated_at": timezone.now().isoformat(),
        "period": {"from": start.isoformat(), "to": today.isoformat()},
        "recent_interactions": [{
            "id": i.pk, "occurred_at": i.occurred_at.isoformat(), "type": i.interaction_type,
            "type_display": str(i.get_interaction_type_display()), "employee": i.employee.name,
            "contact": str(i.contact) if i.contact_id else "", "products": [p.name for p in i.products.all()],
            "summary": i.summary, "next_action": i.next_action,
            "next_action_due": i.next_action_due.isoformat() if i.next_action_due else None,
            "source": {"type": "interaction", "id": i.pk},
        } for i in recent],
        "open_next_actions": [{
            "interaction_id": i.pk, "next_action": i.next_action,
            "due": i.next_action_due.isoformat() if i.next_action_due else None,
            "overdue": bool(i.next_action_due and i.next_action_due < today), "employee": i.employee.name,
            "source": {"type": "interaction", "id": i.pk},
        } for i in open_actions],
        "sales_by_product": sales_by_product,
        "cross_sell_products": [{
            "product_id": p.pk, "name": p.name, "ingredient": p.ingredient, "therapeutic_area": p.therapeutic_area,
            "reason": f"{p.therapeutic_area} 영역 제품을 구매하고 있지만 이 제품은 구매 이력이 없습니다.",
            "source": {"type": "product", "id": p.pk},
        } for p in cross_sell],
        "documents": related_documents((cross_sell + bought_products)[:PRODUCTS_FOR_DOCUMENTS]),
    }
