import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AccessLevel
from accounts.tests.factories import DepartmentFactory, SuperUserFactory
from chat.services import exchange_store, session_create
from core.traces import record_trace
from documents.tests.factories import make_indexed_document
from sales.services import performance_refresh
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    ProductFactory,
    SalesRecordFactory,
    rep_user,
)
from search.tests.factories import SearchQueryFactory, SearchResponseFactory, UserFeedbackFactory, make_synonyms

LARGE_SALES_RECORDS = 20_000
LARGE_INTERACTIONS = 5_000


def bulk_insert_activity(*, sales_records: int, interactions: int) -> None:
    """Sales records and interactions over the current assignments, in two INSERT … SELECT statements."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH a AS (SELECT array_agg(employee_id ORDER BY id) AS e, array_agg(customer_id ORDER BY id) AS c,
                              count(*)::int AS n FROM sales_assignment WHERE end_date IS NULL),
                 p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(unit_price ORDER BY id) AS prices,
                              count(*)::int AS n FROM sales_product)
            INSERT INTO sales_salesrecord (employee_id, customer_id, product_id, sale_date, quantity, unit_price,
                                           amount)
            SELECT a.e[1 + g %% a.n], a.c[1 + g %% a.n], p.ids[1 + g %% p.n], current_date - (g %% 700), 1 + g %% 40,
                   p.prices[1 + g %% p.n], p.prices[1 + g %% p.n] * (1 + g %% 40)
            FROM a, p, generate_series(1, %s) AS g
            """, [sales_records])
        cursor.execute(
            """
            WITH a AS (SELECT array_agg(employee_id ORDER BY id) AS e, array_agg(customer_id ORDER BY id) AS c,
                              count(*)::int AS n FROM sales_assignment WHERE end_date IS NULL)
            INSERT INTO sales_interaction (employee_id, customer_id, interaction_type, occurred_at, summary,
                                           next_action, created_at)
            SELECT a.e[1 + g %% a.n], a.c[1 + g %% a.n], 'visit', now() - make_interval(hours => g), '정기 방문', '', now()
            FROM a, generate_series(1, %s) AS g
            """, [interactions])


@pytest.fixture
def large_workspace(db):
    """A superuser and one of everything the admin shows, with 20k sales records and 5k interactions."""
    today = timezone.localdate()
    cardio = DepartmentFactory(code="CARDIO", name="순환기사업부")
    superuser = SuperUserFactory(department=cardio)
    rep, employee = rep_user(department=cardio, name="영업가")
    manager, manager_employee = rep_user(department=cardio, access_level=AccessLevel.L3, name="본부장")
    products = [ProductFactory() for _ in range(5)]
    customers = [CustomerFactory() for _ in range(40)]
    for i, customer in enumerate(customers):
        AssignmentFactory(employee=employee if i % 2 else manager_employee, customer=customer)
        ContactFactory(customer=customer)
    InteractionFactory(employee=employee, customer=customers[1])
    SalesRecordFactory(employee=employee, customer=customers[1], product=products[0],
                       sale_date=today - datetime.timedelta(days=3))
    bulk_insert_activity(sales_records=LARGE_SALES_RECORDS, interactions=LARGE_INTERACTIONS)
    performance_refresh(concurrently=False)
    document = make_indexed_document(["리피토 10mg 1일 1회 복용합니다."], title="리피토 제품 설명서")
    document.customers.add(customers[1])
    document.products.add(products[0])
    session = session_create(owner=rep, title="리피토 용량 문의")
    exchange_store(session=session, question="리피토 용량은?", search_query="리피토 용량", answer="10mg입니다 [1]",
                   sources=[{"n": 1, "kind": "passage", "cited": True, "document_id": str(document.pk),
                             "document_title": document.title, "document_version": 1, "page": 1}],
                   request_id="req-1", provider="extractive", model="", latency_ms=40)
    record_trace(step="generate", outcome="ok", duration_ms=20, request_id="req-1")
    query = SearchQueryFactory(user=rep, text="리피토 용량")
    SearchResponseFactory(query=query)
    UserFeedbackFactory(query=query, user=rep, rating=2)
    make_synonyms("리피토", "아토르바스타틴")
    return superuser


def in_persona(user, group_name: str):
    """Make `user` staff in one of the persona groups created by accounts/migrations/0002_staff_personas."""
    from django.contrib.auth.models import Group

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def personas(db):
    """The staff personas and two reps, with one customer (and its sales) in CARDIO and one in ONCO."""
    from types import SimpleNamespace

    from accounts.tests.factories import UserFactory

    cardio = DepartmentFactory(code="CARDIO", name="순환기사업부")
    onco = DepartmentFactory(code="ONCO", name="항암사업부")
    salesops = DepartmentFactory(code="SALESOPS", name="영업지원팀")
    marketing = DepartmentFactory(code="MARKETING", name="마케팅팀")
    rep, rep_employee = rep_user(department=cardio, name="김영업")
    onco_rep, onco_employee = rep_user(department=onco, name="이항암")
    manager, _employee = rep_user(department=cardio, access_level=AccessLevel.L3, name="박본부장")
    in_persona(manager, "영업 관리자")
    librarian = in_persona(UserFactory(department=salesops, access_level=AccessLevel.L3, name="이사서"), "문서 관리자")
    pm = in_persona(UserFactory(department=marketing, access_level=AccessLevel.L2, name="박제품"), "제품 담당")
    product = ProductFactory(name="리피토정")
    cardio_customer = CustomerFactory(name="한빛대학교병원")
    onco_customer = CustomerFactory(name="항암전문병원")
    AssignmentFactory(employee=rep_employee, customer=cardio_customer)
    AssignmentFactory(employee=onco_employee, customer=onco_customer)
    cardio_sale = SalesRecordFactory(employee=rep_employee, customer=cardio_customer, product=product,
                                     quantity=3, unit_price=411_522)
    SalesRecordFactory(employee=onco_employee, customer=onco_customer, product=product)
    InteractionFactory(employee=rep_employee, customer=cardio_customer, summary="한빛 정기 방문")
    return SimpleNamespace(cardio=cardio, onco=onco, rep=rep, onco_rep=onco_rep, manager=manager,
                           librarian=librarian, pm=pm, product=product, cardio_customer=cardio_customer,
                           onco_customer=onco_customer, cardio_sale=cardio_sale)
