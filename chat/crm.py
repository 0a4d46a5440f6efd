"""CRM-aware answers: the facts of customers a question names, and the pre-call brief.

Every read goes through the sales app's `visible_to(user)` querysets, so a rep only ever sees the
customers assigned to them (and their managers their department's); a customer outside that scope is
neither matched in a question nor briefed (404).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, TextField, Value
from django.db.models.functions import Length, Replace, TruncMonth
from django.utils import timezone

from search.question import base_name

MAX_CUSTOMERS_PER_QUESTION = 2
INTERACTIONS_IN_ANSWER = 5
PRODUCTS_IN_ANSWER = 5
BRIEF_MONTHS = 6
DOCUMENTS_PER_PRODUCT = 2
PRODUCTS_FOR_DOCUMENTS = 6


def _models():
    from sales import models

    return models


def mentioned_customers(*, user, text: str) -> list:
    """Visible customers whose name appears in `text` (spaces ignored), longest name first."""
    compact = "".join((text or "").split())
    if len(compact) < 2:
        return []
    Customer = _models().Customer
    return list(
        Customer.objects.visible_to(user)
        .annotate(compact_name=Replace(F("name"), Value(" "), Value("")),
                  asked=Value(compact, output_field=TextField()))
        .annotate(name_length=Length("compact_name"))
        .filter(name_length__gte=2, asked__contains=F("compact_name"))
        .order_by("-name_length", "pk")[:MAX_CUSTOMERS_PER_QUESTION]
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if hasattr(value, "tzinfo") else value.isoformat()


def _won(amount) -> str:
    return f"{int(Decimal(amount or 0)):,}원"


def _interaction_text(interaction) -> str:
    who = interaction.employee.name
    if interaction.contact_id:
        who += f", 면담: {interaction.contact}"
    products = ", ".join(product.name for product in interaction.products.all())
    text = f"{_when(interaction.occurred_at)} {interaction.get_interaction_type_display()}({who})"
    if products:
        text += f" [논의 제품: {products}]"
    text += f" - {interaction.summary.strip()}"
    if interaction.next_action:
        due = f" (기한 {interaction.next_action_due.isoformat()})" if interaction.next_action_due else ""
        text += f" / 다음 할 일: {interaction.next_action}{due}"
    return text


def _six_month_start(today: date) -> date:
    month_index = today.year * 12 + today.month - 1 - (BRIEF_MONTHS - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


SALES_WORDS = ("실적", "매출", "판매", "처방량", "팔렸", "팔았", "수량", "금액", "구매")
VISIT_WORDS = ("방문", "면담", "활동", "디테일링", "미팅", "만남", "만났", "콜 ", "상담")
NEXT_VISIT_WORDS = ("다음 방문", "방문 준비", "준비해야", "준비할", "뭘 준비", "무엇을 준비", "다음에 뭐", "할 일", "후속",
                    "브리핑", "사전 준비", "챙겨야")
POINTING_WORDS = ("그 병원", "그 거래처", "그곳", "거기", "그 약국", "그 의원", "해당 병원", "해당 거래처", "이 병원", "여기")
RECENT_MONTHS = 3


@dataclass
class CrmQuestion:
    """What a question asks of the CRM: which customers, products, metrics and period; `carried` when the
    customer (or product) comes from an earlier question of the conversation."""

    customers: list
    products: list
    metrics: set[str]
    period: tuple[date, date] | None
    carried: bool = False

    @property
    def period_label(self) -> str:
        if self.period is None:
            return ""
        start, end = self.period
        return f"{start:%Y-%m-%d}~{end:%Y-%m-%d}"


def _products_named(*, user, text: str) -> list:
    """Visible products whose name (with or without 정/캡슐 …), English name or ingredient appears in `text`."""
    folded = "".join((text or "").casefold().split())
    found = []
    for product in _models().Product.objects.visible_to(user).only("id", "name", "name_en", "ingredient",
                                                                   "ingredient_en"):
        forms = {f.casefold().replace(" ", "") for f in (product.name, base_name(product.name), product.name_en,
                                                          product.ingredient, product.ingredient_en) if f}
        if any(len(form) >= 2 and form in folded for form in forms):
            found.append(product)
    return found


def _metrics(text: str) -> set[str]:
    metrics = set()
    if any(word in text for word in NEXT_VISIT_WORDS):
        metrics.add("next_visit")
    elif any(word in text for word in VISIT_WORDS):
        metrics.add("visits")
    if any(word in text for word in SALES_WORDS):
        metrics.add("sales")
    return metrics


def _period(text: str, today: date) -> tuple[date, date] | None:
    compact = "".join(text.split())
    months = re.search(r"(\d{1,2})개월", compact)
    if months:
        return _months_back(today, int(months.group(1))), today
    if "이번달" in compact or "이달" in compact:
        return today.replace(day=1), today
    if "지난달" in compact or "저번달" in compact:
        first = today.replace(day=1)
        last_month_end = first - timedelta(days=1)
        return last_month_end.replace(day=1), last_month_end
    if "올해" in compact or "금년" in compact:
        return date(today.year, 1, 1), today
    if "작년" in compact:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if "최근" in compact or "요즘" in compact:
        return _months_back(today, RECENT_MONTHS), today
    return None


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - max(months - 1, 0)
    return date(index // 12, index % 12 + 1, 1)


def crm_question(*, user, text: str, previous_queries: list[str] = ()) -> CrmQuestion | None:
    """The CRM side of a question, or None when it names no customer (of this one or of the conversation)."""
    customers = mentioned_customers(user=user, text=text)
    products = _products_named(user=user, text=text)
    metrics = _metrics(text)
    carried = False
    if not customers and (metrics or any(word in text for word in POINTING_WORDS)):
        earlier = list(reversed(list(previous_queries)))
        for index, previous in enumerate(earlier):
            customers = mentioned_customers(user=user, text=previous)
            if customers:
                carried = True
                # The product of the conversation: the latest one named in a question about this customer.
                if not products and "next_visit" not in metrics:
                    for about in earlier[index:]:
                        if {c.pk for c in mentioned_customers(user=user, text=about)} & {c.pk for c in customers}:
                            products = _products_named(user=user, text=about)
                            if products:
                                break
                break
    if not customers:
        return None
    return CrmQuestion(customers=customers, products=products, metrics=metrics or {"visits", "sales"},
                       period=_period(text, timezone.localdate()), carried=carried)


def _interaction_fact(customer, interaction) -> dict:
    return {
        "record_type": "interaction", "record_id": interaction.pk, "customer_id": customer.pk,
        "customer_name": customer.name,
        "label": f"{customer.name} · {interaction.get_interaction_type_display()} · {_when(interaction.occurred_at)}",
        "text": f"{customer.name} {_interaction_text(interaction)}",
    }


def question_facts(*, user, asked: CrmQuestion) -> tuple[list[dict], list[str]]:
    """CRM facts for what was asked (each keeps its source record so it can be cited like a passage), and
    the plain statements of what has no record ("리피토 판매 기록이 없습니다"), which cite nothing."""
    m = _models()
    facts, empty = [], []
    today = timezone.localdate()
    product_ids = [p.pk for p in asked.products]
    product_names = ", ".join(p.name for p in asked.products)
    for customer in asked.customers:
        if "next_visit" in asked.metrics:
            found = _next_visit_facts(user=user, customer=customer, today=today)
            facts += found
            if not found:
                empty.append(f"{customer.name}에 대해 정해진 다음 할 일이나 최근 활동 기록이 없습니다.")
        if "visits" in asked.metrics:
            interactions = (m.Interaction.objects.visible_to(user).filter(customer=customer)
                            .select_related("employee", "contact").prefetch_related("products"))
            if asked.period:
                interactions = interactions.filter(occurred_at__date__gte=asked.period[0],
                                                   occurred_at__date__lte=asked.period[1])
            if product_ids:  # discussed (linked) or named in the summary
                named = Q(products__in=product_ids)
                for product in asked.products:
                    named |= Q(summary__icontains=base_name(product.name))
                interactions = interactions.filter(named).distinct()
            found = [_interaction_fact(customer, i)
                     for i in interactions.order_by("-occurred_at", "-id")[:INTERACTIONS_IN_ANSWER]]
            facts += found
            if not found:
                about = f" {product_names} 관련" if product_names else ""
                during = f" {asked.period_label} 기간에" if asked.period else ""
                empty.append(f"{customer.name}의{about} 방문·활동 기록이{during} 없습니다.")
        if "sales" in asked.metrics:
            start, end = asked.period or (_six_month_start(today), today)
            sales = m.SalesRecord.objects.visible_to(user).filter(customer=customer, sale_date__gte=start,
                                                                  sale_date__lte=end)
            if product_ids:
                sales = sales.filter(product_id__in=product_ids)
            rows = (sales.values("product_id", "product__name")
                    .annotate(amount=Sum("amount"), quantity=Sum("quantity"), records=Count("id"))
                    .order_by("-amount", "product__name")[:PRODUCTS_IN_ANSWER])
            for row in rows:
                facts.append({
                    "record_type": "sales_summary", "record_id": None, "customer_id": customer.pk,
                    "customer_name": customer.name, "product_id": row["product_id"],
                    "period": {"from": start.isoformat(), "to": end.isoformat()},
                    "label": f"{customer.name} · {row['product__name']} 판매 실적 ({start:%Y-%m-%d}~{end:%Y-%m-%d})",
                    "text": f"{customer.name}의 {start:%Y-%m-%d}~{end:%Y-%m-%d} {row['product__name']} 매출은 "
                            f"{_won(row['amount'])} (수량 {row['quantity']:,}, {row['records']}건)입니다.",
                })
            if not rows:
                about = f" {product_names}" if product_names else ""
                empty.append(f"{customer.name}의{about} 판매 기록이 {start:%Y-%m-%d}~{end:%Y-%m-%d} 기간에 없습니다.")
    return facts, empty


def _next_visit_facts(*, user, customer, today: date) -> list[dict]:
    """The pre-call brief's open next actions and last visit, as citable facts."""
    facts = []
    for action in _open_actions(user=user, customer=customer, today=today).select_related("customer"):
        due = f" (기한 {action.next_action_due.isoformat()}{', 지남' if action.next_action_due and action.next_action_due < today else ''})" \
            if action.next_action_due else ""
        facts.append({
            "record_type": "next_action", "record_id": action.pk, "customer_id": customer.pk,
            "customer_name": customer.name,
            "label": f"{customer.name} · 다음 할 일 · {_when(action.occurred_at)}",
            "text": f"다음 방문 전 할 일: {action.next_action}{due} — {_when(action.occurred_at)} "
                    f"{action.get_interaction_type_display()}에서 정함({action.employee.name})",
        })
    last = (_models().Interaction.objects.visible_to(user).filter(customer=customer)
            .select_related("employee", "contact").prefetch_related("products").order_by("-occurred_at", "-id").first())
    if last is not None:
        fact = _interaction_fact(customer, last)
        fact["text"] = f"지난 방문: {fact['text']}"
        facts.append(fact)
    return facts


def _open_actions(*, user, customer, today: date):
    """Next actions still open: due today or later, undated but recent, or overdue with no contact since."""
    interactions = _models().Interaction.objects.visible_to(user).filter(customer=customer)
    # Only contacts the user may see count (another department's visit must not close or reveal anything).
    later_contact = _models().Interaction.objects.visible_to(user).filter(
        customer_id=OuterRef("customer_id"), occurred_at__date__gt=OuterRef("next_action_due"))
    return (
        interactions.exclude(next_action="")
        .filter(Q(next_action_due__gte=today)
                | Q(next_action_due__isnull=True, occurred_at__gte=timezone.now() - timedelta(days=30))
                | Q(next_action_due__lt=today) & ~Exists(later_contact))
        .select_related("employee").order_by(F("next_action_due").asc(nulls_last=True), "-occurred_at")[:10]
    )


class CustomerNotFound(Exception):
    pass


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


def customer_brief(*, user, customer_id) -> dict:
    """The pre-call brief of a customer the user may see (assigned to the rep); CustomerNotFound otherwise."""
    from search.services import search_chunks

    m = _models()
    customer = m.Customer.objects.visible_to(user).filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound(customer_id)
    today = timezone.localdate()
    start = _six_month_start(today)
    interactions = m.Interaction.objects.visible_to(user).filter(customer=customer)

    recent = interactions.select_related("employee", "contact").prefetch_related("products").order_by(
        "-occurred_at", "-id")[:5]
    open_actions = _open_actions(user=user, customer=customer, today=today)

    months = []
    cursor = start
    while cursor <= today:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    rows = (
        m.SalesRecord.objects.visible_to(user)
        .filter(customer=customer, sale_date__gte=start, sale_date__lte=today)
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
                       "from": start.isoformat(), "to": today.isoformat(), "records": entry["records"]},
        })

    bought = m.SalesRecord.objects.visible_to(user).filter(customer=customer)
    areas = set(bought.values_list("product__therapeutic_area", flat=True).distinct())
    cross_sell = list(
        m.Product.objects.visible_to(user).filter(therapeutic_area__in=areas, is_active=True)
        .exclude(pk__in=bought.values("product_id")).order_by("therapeutic_area", "name")[:10]
    )

    bought_products = list(m.Product.objects.filter(pk__in=[e["product_id"] for e in sales_by_product]))
    documents, seen = [], set()
    for product in (cross_sell + bought_products)[:PRODUCTS_FOR_DOCUMENTS]:
        names = {n.casefold() for n in (product.name, product.ingredient, product.name_en, product.ingredient_en) if n}
        found = 0
        for hit in search_chunks(user=user, query=f"{product.name} {product.ingredient}", top_k=5):
            haystack = f"{hit.document_title} {hit.text}".casefold()
            if found >= DOCUMENTS_PER_PRODUCT or (product.pk, hit.document_id) in seen:
                continue
            if not any(name in haystack for name in names):
                continue
            seen.add((product.pk, hit.document_id))
            found += 1
            documents.append({
                "product_id": product.pk, "product_name": product.name, "document_id": str(hit.document_id),
                "document_title": hit.document_title, "document_version": hit.document_version, "page": hit.page,
                "excerpt": hit.text[:300], "score": round(hit.score, 6),
                "source": {"type": "document_chunk", "document_id": str(hit.document_id), "chunk_id": hit.chunk_id},
            })

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
        "documents": documents,
    }
