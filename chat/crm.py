"""How chat asks the CRM and phrases what it finds: the customers, products, metrics and period a question
asks (`crm_question`), the records that answer it as citable facts (`question_facts`), and the pre-call
brief with the documents of its products (`customer_brief`).

The reads themselves are sales reads (`sales/selectors.py`, through the `visible_to(user)` querysets), so a
rep only ever sees the customers assigned to them; a customer outside that scope is neither matched in a
question nor briefed (404).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from sales import selectors
from sales.models import Product
from search.question import base_name
from search.services import search_chunks

MAX_CUSTOMERS_PER_QUESTION = 2
INTERACTIONS_IN_ANSWER = 5
PRODUCTS_IN_ANSWER = 5
DOCUMENTS_PER_PRODUCT = 2


def mentioned_customers(*, user, text: str) -> list:
    return selectors.mentioned_customers(user=user, text=text, limit=MAX_CUSTOMERS_PER_QUESTION)


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
    for product in Product.objects.visible_to(user).only("id", "name", "name_en", "ingredient",
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
            interactions = selectors.customer_interactions(
                user=user, customer=customer, limit=INTERACTIONS_IN_ANSWER, period=asked.period,
                product_ids=product_ids, summary_terms=[base_name(product.name) for product in asked.products])
            found = [_interaction_fact(customer, i) for i in interactions]
            facts += found
            if not found:
                about = f" {product_names} 관련" if product_names else ""
                during = f" {asked.period_label} 기간에" if asked.period else ""
                empty.append(f"{customer.name}의{about} 방문·활동 기록이{during} 없습니다.")
        if "sales" in asked.metrics:
            start, end = asked.period or (selectors.brief_start(today), today)
            rows = selectors.customer_sales_by_product(user=user, customer=customer, start=start, end=end,
                                                       limit=PRODUCTS_IN_ANSWER, product_ids=product_ids)
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
    for action in selectors.open_next_actions(user=user, customer=customer, today=today).select_related("customer"):
        due = f" (기한 {action.next_action_due.isoformat()}{', 지남' if action.next_action_due and action.next_action_due < today else ''})" \
            if action.next_action_due else ""
        facts.append({
            "record_type": "next_action", "record_id": action.pk, "customer_id": customer.pk,
            "customer_name": customer.name,
            "label": f"{customer.name} · 다음 할 일 · {_when(action.occurred_at)}",
            "text": f"다음 방문 전 할 일: {action.next_action}{due} — {_when(action.occurred_at)} "
                    f"{action.get_interaction_type_display()}에서 정함({action.employee.name})",
        })
    last = selectors.last_interaction(user=user, customer=customer)
    if last is not None:
        fact = _interaction_fact(customer, last)
        fact["text"] = f"지난 방문: {fact['text']}"
        facts.append(fact)
    return facts


def customer_brief(*, user, customer_id) -> dict:
    """The pre-call brief (sales/selectors.py) with the documents the user may read about its products;
    selectors.CustomerNotFound for a customer the user may not see."""
    return selectors.customer_brief(
        user=user, customer_id=customer_id,
        related_documents=lambda products: _product_documents(user=user, products=products))


def _product_documents(*, user, products: list) -> list[dict]:
    """Up to DOCUMENTS_PER_PRODUCT excerpts per product that name it (name, ingredient or English name)."""
    documents, seen = [], set()
    for product in products:
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
    return documents
