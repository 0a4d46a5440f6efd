"""What staff read in the admin is Korean and formatted for people: 원, Asia/Seoul, conversations, charts."""

import re

import pytest
from django.urls import reverse

from chat.services import exchange_store, session_create
from core.traces import record_trace
from documents.tests.factories import DocumentFactory
from sales.services import performance_refresh
from search.tests.factories import SearchQueryFactory, UserFeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    from accounts.tests.factories import SuperUserFactory

    client.force_login(SuperUserFactory())
    return client


def test_sales_amounts_read_as_won_with_thousands_separators(admin_client, personas):
    page = admin_client.get(reverse("admin:sales_salesrecord_changelist")).content.decode()

    assert "1,234,566원" in page and "411,522원" in page
    assert "1234566.00" not in page


def test_document_timeline_is_in_time_order_and_seoul_time(admin_client):
    document = DocumentFactory(stage_timeline={
        "index": {"started": "2026-03-01T01:00:05+00:00", "finished": "2026-03-01T01:00:06+00:00", "seconds": 1},
        "extract": {"started": "2026-03-01T01:00:00+00:00", "finished": "2026-03-01T01:00:02+00:00", "seconds": 2},
    })

    page = admin_client.get(reverse("admin:documents_document_change", args=[document.pk])).content.decode()

    assert "2026-03-01 10:00:00" in page and "2026-03-01 10:00:05" in page  # UTC+9
    assert page.index("2026-03-01 10:00:00") < page.index("2026-03-01 10:00:05")
    assert "+00:00" not in page


def test_chat_session_reads_as_a_conversation_with_sources_linked(admin_client, personas):
    document = DocumentFactory(title="리피토 제품 설명서")
    session = session_create(owner=personas.rep, title="리피토 용량과 한빛대학교병원 실적 문의")
    exchange_store(session=session, question="리피토 용량은?", search_query="리피토 용량", answer="10mg입니다 [1][2]",
                   sources=[{"n": 1, "kind": "passage", "cited": True, "document_id": str(document.pk),
                             "document_title": document.title, "document_version": 2, "page": 3},
                            {"n": 2, "kind": "crm", "cited": True, "record_type": "sales_summary", "record_id": None,
                             "customer_id": personas.cardio_customer.pk, "label": "한빛대학교병원 · 리피토정 판매 실적"}],
                   request_id="req-1", provider="extractive", model="", latency_ms=40)
    exchange_store(session=session, question="다른 함량은?", search_query="리피토 함량", answer="모릅니다",
                   sources=[], request_id="req-2", provider="extractive", model="", latency_ms=30)

    page = admin_client.get(reverse("admin:chat_chatsession_change", args=[session.pk])).content.decode()

    assert page.index("리피토 용량은?") < page.index("10mg입니다") < page.index("다른 함량은?") < page.index("모릅니다")
    document_url = reverse("admin:documents_document_change", args=[document.pk])
    customer_url = reverse("admin:sales_customer_change", args=[personas.cardio_customer.pk])
    assert f'href="{document_url}"' in page and "리피토 제품 설명서 (v2 p.3)" in page
    assert f'href="{customer_url}"' in page
    assert '"kind"' not in page and "&quot;kind&quot;" not in page


def test_chat_titles_do_not_wrap_one_syllable_per_line(admin_client, personas):
    session_create(owner=personas.rep, title="리피토 용량 문의")

    page = admin_client.get(reverse("admin:chat_chatsession_changelist")).content.decode()

    assert re.search(r'min-width:\s*14em">리피토 용량 문의<', page)


def test_trace_steps_are_named_in_korean(admin_client):
    record_trace(step="check_citations", outcome="ok", duration_ms=3, request_id="req-9")

    page = admin_client.get(reverse("admin:core_tracelog_changelist")).content.decode()

    assert "인용 확인" in page
    assert ">check_citations<" not in page


def test_worst_rated_lists_only_queries_rated_two_or_less(admin_client, personas):
    UserFeedbackFactory(query=SearchQueryFactory(user=personas.rep, text="리피토 보험 기준"), rating=1)
    UserFeedbackFactory(query=SearchQueryFactory(user=personas.rep, text="만족한 검색"), rating=5)
    UserFeedbackFactory(query=SearchQueryFactory(user=personas.rep, text="보통 검색"), rating=3)

    page = admin_client.get(reverse("admin:search_dashboard")).content.decode()
    worst = page[page.index('id="worst-rated"'):]
    worst = worst[:worst.index("</table>")]

    assert "리피토 보험 기준" in worst
    assert "만족한 검색" not in worst and "보통 검색" not in worst


def test_dashboard_charts_have_a_legend_a_value_axis_and_values(admin_client, personas):
    SearchQueryFactory(user=personas.rep)

    page = admin_client.get(reverse("admin:search_dashboard")).content.decode()

    assert 'class="legend"' in page and "일별 검색 수" in page
    assert re.search(r'text-anchor="end"[^>]*>1<', page)  # the axis maximum: one search


def test_customer_chart_shows_monthly_values_and_axis_in_man_won(admin_client, personas):
    performance_refresh()

    page = admin_client.get(reverse("admin:sales_customer_change", args=[personas.cardio_customer.pk])).content.decode()
    chart = page[page.index('id="performance-chart"'):]

    assert "단위: 만원" in chart
    assert 'class="value"' in chart and "123만" in chart  # 1,234,566원 this month
    assert "12개월 매출 합계: 1,234,566원" in chart


def test_task_queue_admin_is_in_korean(admin_client):
    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()

    assert "작업 실행 기록" in page and "작업 대기열" in page
    assert "Task Result" not in page and "Enqueued at" not in page


def test_read_only_changelist_title_reads_naturally(client, personas):
    client.force_login(personas.manager)

    page = client.get(reverse("admin:sales_salesrecord_changelist")).content.decode()

    assert "판매 실적 목록" in page and "보기위한" not in page
