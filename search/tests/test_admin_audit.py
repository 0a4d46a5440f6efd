"""Who audits what in the admin's search and chat logs (search/audit.py, README "Who sees what")."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from chat.services import exchange_store, session_create
from core.traces import record_trace
from documents.tests.factories import DocumentFactory
from search.models import LexiconTerm
from search.tests.factories import SearchQueryFactory, SearchResponseFactory

pytestmark = pytest.mark.django_db

AUDIT_PERMISSIONS = ["view_searchquery", "view_searchresponse", "view_userfeedback", "view_chatsession",
                     "view_chatmessage", "view_tracelog", "view_answerfeedback", "view_lexiconterm"]


@pytest.fixture
def logs(client):
    """A CARDIO L2 auditor; search and chat logs of a CARDIO L1 rep, a CARDIO L3 and an ONCO rep.

    The rep's logged answer cites a public document and a CARDIO L3 document (raised after the search).
    """
    cardio, onco = DepartmentFactory(code="CARDIO"), DepartmentFactory(code="ONCO")
    auditor = UserFactory(department=cardio, access_level=2, is_staff=True, name="감사담당")
    auditor.user_permissions.add(*Permission.objects.filter(codename__in=AUDIT_PERMISSIONS))
    rep = UserFactory(department=cardio, access_level=1)
    senior = UserFactory(department=cardio, access_level=3)
    onco_rep = UserFactory(department=onco, access_level=1)
    public = DocumentFactory(title="공개 복약 안내")
    secret = DocumentFactory(title="순환기 기밀 단가표", access_level=3, department=cardio)
    sources = [{"n": 1, "document_id": str(public.pk), "title": public.title},
               {"n": 2, "document_id": str(secret.pk), "title": secret.title}]
    SearchResponseFactory(query=SearchQueryFactory(user=rep, text="대표 질문 리피토"), sources=sources,
                          answer="기밀 단가는 1,000원 [2]")
    SearchResponseFactory(query=SearchQueryFactory(user=senior, text="상급자 질문"))
    SearchResponseFactory(query=SearchQueryFactory(user=onco_rep, text="항암 질문"))
    session = session_create(owner=rep, title="리피토 대화")
    _q, answer = exchange_store(session=session, question="리피토 단가?", search_query="리피토 단가",
                                answer="기밀 단가는 1,000원입니다 [2]", sources=sources, request_id="r1",
                                provider="extractive", model="", latency_ms=10)
    record_trace(step="generate", request_id="r1", message=answer)
    onco_session = session_create(owner=onco_rep, title="항암 대화")
    record_trace(step="document_processing", outcome="error", error="추출 실패",
                 detail={"title": "순환기 기밀 단가표"})
    client.force_login(auditor)
    return type("Logs", (), dict(client=client, auditor=auditor, rep=rep, senior=senior, onco_rep=onco_rep,
                                 session=session, onco_session=onco_session, secret=secret))


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_auditor_lists_searches_of_own_department_at_or_below_own_level_only(logs):
    body = page(logs.client, reverse("admin:search_searchquery_changelist"))
    assert "대표 질문 리피토" in body
    assert "상급자 질문" not in body and "항암 질문" not in body


def test_auditor_sees_a_search_answer_redacted_when_it_cites_a_document_they_cannot_open(logs):
    from search.models import SearchQuery

    query = SearchQuery.objects.get(text="대표 질문 리피토")
    body = page(logs.client, reverse("admin:search_searchquery_change", args=[query.pk]))
    assert "공개 복약 안내" in body
    assert "순환기 기밀 단가표" not in body and "1,000원" not in body
    assert "가렸습니다" in body


def test_auditor_cannot_open_a_search_of_another_department(logs):
    from search.models import SearchQuery

    query = SearchQuery.objects.get(text="항암 질문")
    response = logs.client.get(reverse("admin:search_searchquery_change", args=[query.pk]), follow=True)
    assert "항암 질문" not in response.content.decode()


def test_superuser_sees_the_unredacted_answer(logs, client):
    from search.models import SearchQuery

    client.force_login(SuperUserFactory())
    query = SearchQuery.objects.get(text="대표 질문 리피토")
    body = page(client, reverse("admin:search_searchquery_change", args=[query.pk]))
    assert "순환기 기밀 단가표" in body and "1,000원" in body


def test_auditor_sees_chat_sessions_of_auditable_users_with_hidden_answers_redacted(logs):
    listing = page(logs.client, reverse("admin:chat_chatsession_changelist"))
    assert "리피토 대화" in listing and "항암 대화" not in listing
    detail = page(logs.client, reverse("admin:chat_chatsession_change", args=[logs.session.pk]))
    assert "리피토 단가?" in detail  # the rep's own question
    assert "1,000원" not in detail and "순환기 기밀 단가표" not in detail


def test_auditor_trace_list_holds_only_traces_of_auditable_conversations(logs):
    body = page(logs.client, reverse("admin:core_tracelog_changelist"))
    rows = body[body.index('id="result_list"'):body.index("</table>", body.index('id="result_list"'))]
    assert "r1" in rows
    assert "문서 처리" not in rows and "추출 실패" not in body  # the step filter still names every step
    assert "1,000원" not in body


def test_dashboard_of_an_auditor_counts_only_auditable_users_searches(logs):
    body = page(logs.client, reverse("admin:search_dashboard"))
    assert "대표 질문 리피토" in body
    assert "상급자 질문" not in body and "항암 질문" not in body


def test_index_word_list_is_for_superusers_only(logs, client):
    LexiconTerm.objects.get_or_create(term="기밀낱말", defaults={"passages": 1})
    assert logs.client.get(reverse("admin:search_lexiconterm_changelist")).status_code == 403
    client.force_login(SuperUserFactory())
    assert client.get(reverse("admin:search_lexiconterm_changelist")).status_code == 200


def test_retrieval_test_refuses_searching_as_a_user_the_auditor_may_not_audit(logs):
    logs.auditor.user_permissions.add(Permission.objects.get(codename="use_retrieval_test"))
    response = logs.client.post(reverse("admin:search_retrieval_test"),
                                {"query": "리피토", "user": logs.onco_rep.pk, "top_k": 5})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "user" in response.context["form"].errors
