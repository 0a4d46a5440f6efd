import pytest

from accounts.tests.factories import UserFactory
from chat.models import ChatMessage, ChatSession
from chat.services import exchange_store, session_create

pytestmark = pytest.mark.django_db


def test_user_creates_a_session_and_lists_only_their_own(client_for):
    me, other = UserFactory(), UserFactory()
    session_create(owner=other, title="남의 대화")

    created = client_for(me).post("/api/chat/sessions/", {"title": "리피토 문의"}, format="json")
    listed = client_for(me).get("/api/chat/sessions/")

    assert created.status_code == 201
    assert [s["title"] for s in listed.json()["results"]] == ["리피토 문의"]


def test_another_users_session_is_404_on_every_path(client_for):
    owner, intruder = UserFactory(), UserFactory()
    session = session_create(owner=owner, title="비밀 대화")
    client = client_for(intruder)
    base = f"/api/chat/sessions/{session.id}/"

    responses = [
        client.get(base),
        client.patch(base, {"title": "탈취"}, format="json"),
        client.delete(base),
        client.get(base + "messages/"),
        client.post(base + "messages/", {"content": "리피토 용량"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    session.refresh_from_db()
    assert session.title == "비밀 대화"
    assert not ChatMessage.objects.exists()


def test_owner_renames_archives_and_deletes_a_session(auth_client):
    session = session_create(owner=auth_client.user)
    url = f"/api/chat/sessions/{session.id}/"

    renamed = auth_client.patch(url, {"title": "  새 제목 "}, format="json")
    archived = auth_client.patch(url, {"is_archived": True}, format="json")
    active_list = auth_client.get("/api/chat/sessions/?archived=false").json()["results"]
    deleted = auth_client.delete(url)

    assert renamed.json()["title"] == "새 제목"
    assert archived.json()["is_archived"] is True
    assert active_list == []
    assert deleted.status_code == 204
    assert not ChatSession.objects.filter(pk=session.pk).exists()


def test_messages_are_listed_in_order_with_their_sources(auth_client):
    session = session_create(owner=auth_client.user)
    exchange_store(session=session, question="첫 질문", search_query="첫 질문", answer="첫 답 [1]",
                   sources=[{"n": 1, "kind": "passage", "document_title": "문서", "cited": True}],
                   request_id="r1", provider="extractive", model="", latency_ms=12)

    body = auth_client.get(f"/api/chat/sessions/{session.id}/messages/").json()

    assert [(m["role"], m["content"]) for m in body["results"]] == [("user", "첫 질문"), ("assistant", "첫 답 [1]")]
    assert body["results"][1]["sources"][0]["document_title"] == "문서"


def test_session_list_needs_authentication(api_client):
    assert api_client.get("/api/chat/sessions/").status_code in (401, 403)


def test_session_and_message_lists_take_a_fixed_number_of_queries(auth_client, django_assert_max_num_queries):
    sessions = [session_create(owner=auth_client.user, title=f"대화 {i}") for i in range(5)]
    for i in range(5):
        exchange_store(session=sessions[0], question=f"질문 {i}", search_query="", answer="답", sources=[],
                       request_id=f"r{i}", provider="extractive", model="", latency_ms=1)

    with django_assert_max_num_queries(3):
        assert len(auth_client.get("/api/chat/sessions/").json()["results"]) == 5
    with django_assert_max_num_queries(4):
        assert len(auth_client.get(f"/api/chat/sessions/{sessions[0].id}/messages/").json()["results"]) == 10
