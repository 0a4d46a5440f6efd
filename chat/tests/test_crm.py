import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory
from chat.services import session_create
from documents.models import ApprovalState
from documents.tests.factories import make_indexed_document
from sales.models import Employee, TherapeuticArea
from sales.tests.factories import (
    AssignmentFactory,
    CustomerFactory,
    InteractionFactory,
    ProductFactory,
    SalesRecordFactory,
    rep_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(db):
    """Rep A looks after 한빛대학교병원, which buys 리피토 (more lately); rep B looks after 다라병원."""
    today = timezone.localdate()
    now = timezone.now()
    cardio = DepartmentFactory(code="CARDIO", name="순환기사업부")
    rep_a, emp_a = rep_user(department=cardio, name="영업A")
    rep_b, emp_b = rep_user(department=cardio, name="영업B")
    hanbit = CustomerFactory(name="한빛대학교병원")
    dara = CustomerFactory(name="다라병원")
    AssignmentFactory(employee=emp_a, customer=hanbit)
    AssignmentFactory(employee=emp_b, customer=dara)
    lipitor = ProductFactory(name="리피토", ingredient="아토르바스타틴", therapeutic_area=TherapeuticArea.CARDIOVASCULAR)
    norvasc = ProductFactory(name="노바스크", ingredient="암로디핀", therapeutic_area=TherapeuticArea.CARDIOVASCULAR)
    onco = ProductFactory(name="타그리소", ingredient="오시머티닙", therapeutic_area=TherapeuticArea.ONCOLOGY)
    SalesRecordFactory(employee=emp_a, customer=hanbit, product=lipitor, quantity=10,
                       sale_date=today - datetime.timedelta(days=150))
    SalesRecordFactory(employee=emp_a, customer=hanbit, product=lipitor, quantity=30,
                       sale_date=today - datetime.timedelta(days=5))
    SalesRecordFactory(employee=emp_b, customer=dara, product=onco, quantity=99)
    done = InteractionFactory(employee=emp_a, customer=hanbit, occurred_at=now - datetime.timedelta(days=20),
                              summary="김교수 리피토 처방 현황 논의", next_action="학회 자료 전달",
                              next_action_due=today - datetime.timedelta(days=15))
    latest = InteractionFactory(employee=emp_a, customer=hanbit, occurred_at=now - datetime.timedelta(days=2),
                                summary="약제위원회 일정 확인", next_action="노바스크 제품설명회 준비",
                                next_action_due=today + datetime.timedelta(days=7))
    InteractionFactory(employee=emp_b, customer=dara, summary="다라병원 비밀 협상 진행")
    make_indexed_document(["노바스크(암로디핀)는 고혈압과 협심증에 쓰는 칼슘채널차단제입니다."], title="노바스크 제품 정보")
    make_indexed_document(["노바스크 신규 적응증 내부 검토 초안"], title="노바스크 초안",
                          approval_state=ApprovalState.DRAFT)
    make_indexed_document(["노바스크 공급가 인하 계획"], title="노바스크 단가표", access_level=2)
    return SimpleNamespace(rep_a=rep_a, rep_b=rep_b, hanbit=hanbit, dara=dara, lipitor=lipitor, norvasc=norvasc,
                           onco=onco, done=done, latest=latest)


def brief(client, customer):
    return client.get(f"/api/chat/briefing/?customer={customer.pk}")


def test_brief_of_an_assigned_customer_has_activity_sales_trend_gaps_and_documents(client_for, crm):
    response = brief(client_for(crm.rep_a), crm.hanbit)

    assert response.status_code == 200
    body = response.json()
    assert body["customer"]["name"] == "한빛대학교병원"
    assert [i["summary"] for i in body["recent_interactions"]] == ["약제위원회 일정 확인", "김교수 리피토 처방 현황 논의"]
    assert body["recent_interactions"][0]["source"] == {"type": "interaction", "id": crm.latest.pk}
    assert [a["next_action"] for a in body["open_next_actions"]] == ["노바스크 제품설명회 준비"]
    [lipitor] = body["sales_by_product"]
    assert lipitor["product_name"] == "리피토" and len(lipitor["months"]) == 6
    assert lipitor["trend"]["direction"] == "up" and lipitor["total_amount"] == "20000.00"
    assert lipitor["source"]["records"] == 2
    assert [p["name"] for p in body["cross_sell_products"]] == ["노바스크"]
    assert body["cross_sell_products"][0]["source"] == {"type": "product", "id": crm.norvasc.pk}
    assert {d["document_title"] for d in body["documents"]} == {"노바스크 제품 정보"}
    assert body["documents"][0]["source"]["type"] == "document_chunk"


def test_brief_of_a_customer_not_assigned_to_the_rep_is_404(client_for, crm):
    assert brief(client_for(crm.rep_a), crm.dara).status_code == 404
    assert client_for(crm.rep_a).get("/api/chat/briefing/?customer=999999").status_code == 404


def test_brief_without_a_customer_number_is_400(client_for, crm):
    response = client_for(crm.rep_a).get("/api/chat/briefing/?customer=abc")

    assert response.status_code == 400
    assert "customer" in response.json()["detail"]


def test_question_naming_an_assigned_customer_cites_its_crm_records(client_for, crm):
    session = session_create(owner=crm.rep_a)

    answer = client_for(crm.rep_a).post(f"/api/chat/sessions/{session.id}/messages/",
                                        {"content": "한빛대학교병원 최근 방문 내역"}, format="json").json()

    content = answer["assistant_message"]["content"]
    crm_sources = [s for s in answer["assistant_message"]["sources"] if s["kind"] == "crm"]
    latest = next(s for s in crm_sources if s.get("record_id") == crm.latest.pk)
    assert latest["record_type"] == "interaction" and latest["cited"]
    assert f"약제위원회 일정 확인" in content and f"[{latest['n']}]" in content
    assert not any(s["record_type"] == "sales_summary" for s in crm_sources)  # visits were asked, not sales


def test_question_about_another_reps_customer_reveals_none_of_its_records(client_for, crm):
    session = session_create(owner=crm.rep_a)

    answer = client_for(crm.rep_a).post(f"/api/chat/sessions/{session.id}/messages/",
                                        {"content": "다라병원 최근 방문 내역"}, format="json").json()

    assert "비밀 협상" not in answer["assistant_message"]["content"]
    assert not [s for s in answer["assistant_message"]["sources"] if s["kind"] == "crm"]


def test_follow_up_about_the_same_customer_keeps_its_crm_facts(client_for, crm):
    client = client_for(crm.rep_a)
    session = session_create(owner=crm.rep_a)
    url = f"/api/chat/sessions/{session.id}/messages/"
    client.post(url, {"content": "한빛대학교병원 최근 방문 내역"}, format="json")

    answer = client.post(url, {"content": "그 병원 매출은?"}, format="json").json()

    assert "한빛대학교병원" in answer["user_message"]["search_query"]
    assert "리피토" in answer["assistant_message"]["content"] and "20,000원" in answer["assistant_message"]["content"]


def test_crm_answer_is_filtered_to_the_asked_product(client_for, crm):
    SalesRecordFactory(employee=Employee.objects.get(user=crm.rep_a), customer=crm.hanbit, product=crm.norvasc, quantity=7,
                       sale_date=timezone.localdate() - datetime.timedelta(days=3))
    session = session_create(owner=crm.rep_a)

    answer = client_for(crm.rep_a).post(f"/api/chat/sessions/{session.id}/messages/",
                                        {"content": "한빛대학교병원 최근 리피토 실적"}, format="json").json()

    content = answer["assistant_message"]["content"]
    crm_sources = [s for s in answer["assistant_message"]["sources"] if s["kind"] == "crm"]
    assert [s["product_id"] for s in crm_sources] == [crm.lipitor.pk]
    assert "리피토" in content and "노바스크" not in content
    assert not [s for s in answer["assistant_message"]["sources"] if s["kind"] == "passage"]


def test_crm_question_about_a_product_without_records_says_there_are_none(client_for, crm):
    session = session_create(owner=crm.rep_a)

    answer = client_for(crm.rep_a).post(f"/api/chat/sessions/{session.id}/messages/",
                                        {"content": "한빛대학교병원 노바스크 매출"}, format="json").json()

    content = answer["assistant_message"]["content"]
    assert "한빛대학교병원의 노바스크 판매 기록이" in content and "없습니다" in content
    assert not [s for s in answer["assistant_message"]["sources"] if s["cited"]]
    assert "칼슘채널차단제" not in content  # document text is never presented as a CRM fact


def test_follow_up_keeps_the_customer_and_product_of_the_conversation(client_for, crm):
    client = client_for(crm.rep_a)
    session = session_create(owner=crm.rep_a)
    url = f"/api/chat/sessions/{session.id}/messages/"
    crm.done.products.add(crm.lipitor)
    client.post(url, {"content": "한빛대학교병원 리피토 실적 알려줘"}, format="json")
    client.post(url, {"content": "그 병원 다음 방문 때 뭘 준비해야 해?"}, format="json")

    answer = client.post(url, {"content": "최근 방문은?"}, format="json").json()

    assert "한빛대학교병원" in answer["user_message"]["search_query"]
    content = answer["assistant_message"]["content"]
    assert "김교수 리피토 처방 현황 논의" in content  # the visit where 리피토 was discussed
    assert "약제위원회 일정 확인" not in content  # a visit about other things


def test_next_visit_question_answers_from_the_pre_call_brief_of_the_conversations_customer(client_for, crm):
    client = client_for(crm.rep_a)
    session = session_create(owner=crm.rep_a)
    url = f"/api/chat/sessions/{session.id}/messages/"
    client.post(url, {"content": "한빛대학교병원 최근 리피토 실적"}, format="json")

    answer = client.post(url, {"content": "다음 방문 때 무엇을 준비해야 해?"}, format="json").json()

    content = answer["assistant_message"]["content"]
    assert "노바스크 제품설명회 준비" in content
    assert (timezone.localdate() + datetime.timedelta(days=7)).isoformat() in content
    cited = [s for s in answer["assistant_message"]["sources"] if s["cited"]]
    assert {s["record_type"] for s in cited} <= {"next_action", "interaction"} and cited
