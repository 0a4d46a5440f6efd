import re
import pytest
from django.db import IntegrityError

from accounts.tests.factories import UserFactory
from chat.models import ChatMessage
from chat.services import session_create
from core.models import Outcome, TraceLog
from documents.tests.factories import make_indexed_document

pytestmark = pytest.mark.django_db


def ask(client, session, content, **params):
    query = "".join(f"?{k}={v}" for k, v in params.items())
    return client.post(f"/api/chat/sessions/{session.id}/messages/{query}", {"content": content}, format="json")


def test_question_gets_a_stored_answer_citing_the_passage_that_holds_it(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)

    response = ask(auth_client, session, "리피토 시작 용량은 얼마인가요?")

    assert response.status_code == 201
    body = response.json()
    answer = body["assistant_message"]
    assert body["user_message"]["content"] == "리피토 시작 용량은 얼마인가요?"
    assert "10mg" in answer["content"]
    cited = [s for s in answer["sources"] if s["cited"]]
    assert cited and all(s["document_title"] == "리피토 제품 정보" for s in cited)
    assert f"[{cited[0]['n']}]" in answer["content"]
    assert {"document_id", "document_version", "page", "score", "chunk_id"} <= set(cited[0])
    assert answer["provider"] == "extractive" and answer["latency_ms"] is not None
    stored = list(ChatMessage.objects.filter(session=session).values_list("role", "content"))
    assert stored == [("user", "리피토 시작 용량은 얼마인가요?"), ("assistant", answer["content"])]
    session.refresh_from_db()
    assert session.title == "리피토 시작 용량은 얼마인가요?"


def test_each_step_of_an_answer_is_traced_and_linked_to_the_message(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "리피토 용량", ).json()["assistant_message"]

    steps = set(TraceLog.objects.filter(message_id=answer["id"]).values_list("step", flat=True))
    assert {"condense", "crm", "retrieve", "generate", "check_citations", "store"} <= steps
    assert TraceLog.objects.filter(request_id=answer["request_id"]).count() == len(
        TraceLog.objects.filter(message_id=answer["id"]))


def test_question_with_nothing_relevant_says_so_instead_of_guessing(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "회사 주차장 위치 알려줘").json()["assistant_message"]

    assert "찾지 못했습니다" in answer["content"] and not re.search(r"\[\d+\]", answer["content"])
    assert answer["sources"] == []
    assert TraceLog.objects.get(request_id=answer["request_id"], step="read").outcome == Outcome.EMPTY


@pytest.mark.parametrize("content, fragment", [("", "빈 메시지"), ("   \n ", "빈 메시지"), ("가" * 2001, "2000자")])
def test_empty_or_over_long_question_is_400_with_a_message_and_stores_nothing(auth_client, content, fragment):
    session = session_create(owner=auth_client.user)

    response = ask(auth_client, session, content)

    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not ChatMessage.objects.exists()


def test_missing_content_is_400(auth_client):
    session = session_create(owner=auth_client.user)

    response = auth_client.post(f"/api/chat/sessions/{session.id}/messages/", {}, format="json")

    assert response.status_code == 400
    assert "content" in response.json()


def test_question_and_answer_are_stored_together_or_not_at_all(auth_client, lipitor_docs, monkeypatch):
    session = session_create(owner=auth_client.user)
    original_save = ChatMessage.save

    def failing_save(self, *args, **kwargs):
        if self.role == "assistant":
            raise IntegrityError("disk full while saving the answer")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ChatMessage, "save", failing_save)
    from chat import answering

    with pytest.raises(IntegrityError):
        answering.answer(session=session, user=auth_client.user, question="리피토 용량")

    assert not ChatMessage.objects.filter(session=session).exists()
    assert TraceLog.objects.filter(step="store", outcome=Outcome.ERROR).exists()


def test_l1_user_gets_no_l2_passage_in_the_answer(client_for, db):
    make_indexed_document(["리피토 공급가는 정당 350원으로 인하 예정입니다."], title="L2 단가 계획", access_level=2)
    make_indexed_document(["리피토는 고지혈증 치료제입니다."], title="공개 제품 설명", access_level=1)
    l1, l2 = UserFactory(access_level=1), UserFactory(access_level=2)

    l1_answer = ask(client_for(l1), session_create(owner=l1), "리피토 공급가").json()["assistant_message"]
    l2_answer = ask(client_for(l2), session_create(owner=l2), "리피토 공급가").json()["assistant_message"]

    assert "350원" not in l1_answer["content"]
    assert {s.get("document_title") for s in l1_answer["sources"]} <= {"공개 제품 설명"}
    assert "350원" in l2_answer["content"]


def test_user_rates_an_answer_and_cannot_rate_a_question(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)
    body = ask(auth_client, session, "리피토 용량").json()
    base = f"/api/chat/sessions/{session.id}/messages/"

    rated = auth_client.post(f"{base}{body['assistant_message']['id']}/feedback/",
                             {"rating": -1, "comment": "최대 용량도 알려 주세요"}, format="json")
    refused = auth_client.post(f"{base}{body['user_message']['id']}/feedback/", {"rating": 1}, format="json")
    bad = auth_client.post(f"{base}{body['assistant_message']['id']}/feedback/", {"rating": 5}, format="json")

    assert rated.status_code == 200 and rated.json()["rating"] == -1
    assert ChatMessage.objects.get(pk=body["assistant_message"]["id"]).feedback == "최대 용량도 알려 주세요"
    assert refused.status_code == 400 and "답변" in refused.json()["detail"]
    assert bad.status_code == 400


def test_another_user_cannot_rate_my_answer(client_for, lipitor_docs):
    owner, intruder = UserFactory(), UserFactory()
    session = session_create(owner=owner)
    answer_id = ask(client_for(owner), session, "리피토 용량").json()["assistant_message"]["id"]

    response = client_for(intruder).post(f"/api/chat/sessions/{session.id}/messages/{answer_id}/feedback/",
                                         {"rating": -1}, format="json")

    assert response.status_code == 404
    assert ChatMessage.objects.get(pk=answer_id).rating is None


def test_answer_says_when_the_asked_attribute_is_not_in_the_documents(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "리피토 부작용은?").json()["assistant_message"]

    assert answer["content"].startswith("리피토의 부작용에 대한 내용은 문서에 없습니다.")
    assert "노바스크" not in answer["content"] and not re.search(r"\[\d+\]", answer["content"])
    assert not [s for s in answer["sources"] if s["cited"]]
