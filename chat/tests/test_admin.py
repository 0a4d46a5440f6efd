import pytest

from accounts.tests.factories import SuperUserFactory
from chat.models import ChatMessage
from chat.services import exchange_store, feedback_give, session_create
from core.traces import record_trace

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperUserFactory())
    return client


@pytest.fixture
def rated_exchange(user):
    session = session_create(owner=user, title="리피토 문의")
    _question, answer = exchange_store(session=session, question="리피토 용량", search_query="리피토 용량",
                                       answer="10mg입니다 [1]", sources=[], request_id="req-1",
                                       provider="extractive", model="", latency_ms=40)
    feedback_give(message=answer, rating=-1, comment="출처가 부족해요")
    record_trace(step="generate", outcome="fallback", duration_ms=2500, request_id="req-1", message=answer,
                 error="ReadTimeout")
    return session


def test_session_admin_shows_messages_inline_read_only_with_filters(admin_client, rated_exchange, user):
    listing = admin_client.get(f"/admin/chat/chatsession/?owner__department__id__exact={user.department_id}")
    detail = admin_client.get(f"/admin/chat/chatsession/{rated_exchange.pk}/change/")

    assert listing.status_code == 200 and "리피토 문의" in listing.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "10mg입니다 [1]" in page and "출처가 부족해요" in page
    assert 'name="title"' not in page
    assert admin_client.get("/admin/chat/chatsession/add/").status_code == 403


def test_trace_admin_filters_by_step_outcome_and_duration(admin_client, rated_exchange):
    slow = admin_client.get("/admin/core/tracelog/?step=generate&outcome=fallback&duration=slow")
    fast = admin_client.get("/admin/core/tracelog/?duration=fast")

    assert "ReadTimeout" in slow.content.decode()
    assert "ReadTimeout" not in fast.content.decode()


def test_feedback_admin_lists_rated_answers(admin_client, rated_exchange):
    page = admin_client.get("/admin/chat/answerfeedback/?rating__exact=-1").content.decode()

    assert "출처가 부족해요" in page
    assert ChatMessage.objects.filter(rating=-1).count() == 1
