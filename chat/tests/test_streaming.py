import pytest

from chat.models import ChatMessage
from chat.services import session_create
from chat.tests.sse import read_events, streamed_text

pytestmark = pytest.mark.django_db


def test_streamed_answer_is_exactly_the_stored_answer(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)

    response = auth_client.post(f"/api/chat/sessions/{session.id}/messages/?stream=1",
                                {"content": "리피토 최대 용량"}, format="json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    events = read_events(response)
    kinds = [event for event, _data in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and "delta" in kinds
    text = streamed_text(events)
    assert "80mg" in text
    done = events[-1][1]
    stored = ChatMessage.objects.get(pk=done["assistant_message"]["id"])
    assert stored.content == text == done["assistant_message"]["content"]
    assert ChatMessage.objects.filter(session=session, role="user", content="리피토 최대 용량").exists()


def test_stream_of_an_empty_question_is_refused_before_streaming(auth_client):
    session = session_create(owner=auth_client.user)

    response = auth_client.post(f"/api/chat/sessions/{session.id}/messages/?stream=1", {"content": " "},
                                format="json")

    assert response.status_code == 400
    assert not response.streaming


def test_stream_for_another_users_session_is_404(client_for, user):
    from accounts.tests.factories import UserFactory

    session = session_create(owner=UserFactory())

    response = client_for(user).post(f"/api/chat/sessions/{session.id}/messages/?stream=1",
                                     {"content": "리피토"}, format="json")

    assert response.status_code == 404
