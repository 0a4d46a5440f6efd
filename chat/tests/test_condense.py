import pytest

from chat.condense import condense_rule_based
from chat.models import ChatMessage
from chat.services import session_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("question, previous, expected", [
    ("그 약 용량은?", ["리피토의 효능은 무엇인가요?"], "리피토 약 용량은?"),
    ("그 약 부작용은?", ["리피토 시작 용량은 얼마인가요?"], "리피토 약 부작용은?"),
    ("용량은?", ["리피토 효능"], "리피토 용량은?"),
    ("이거 가격은?", ["노바스크 처방 기준", "리피토 효능"], "리피토 가격은?"),
    ("저 병원은?", ["한빛대학교병원 최근 방문 내역"], "한빛대학교병원 병원은?"),
])
def test_follow_up_borrows_the_subject_of_the_previous_question(question, previous, expected):
    assert condense_rule_based(question, previous) == expected


@pytest.mark.parametrize("question, previous", [
    ("메트포르민 부작용은?", ["리피토 효능"]),
    ("그 약 용량은?", []),
])
def test_self_contained_or_first_question_is_searched_as_asked(question, previous):
    assert condense_rule_based(question, previous) == question


def test_follow_up_in_a_session_searches_the_earlier_drug_and_answers_with_its_dosage(auth_client, lipitor_docs):
    session = session_create(owner=auth_client.user)
    url = f"/api/chat/sessions/{session.id}/messages/"
    auth_client.post(url, {"content": "리피토는 어떤 약인가요?"}, format="json")

    answer = auth_client.post(url, {"content": "그 약 용량은?"}, format="json").json()

    assert "리피토" in answer["user_message"]["search_query"]
    assert "10mg" in answer["assistant_message"]["content"]
    assert "5mg" not in answer["assistant_message"]["content"]
    assert ChatMessage.objects.get(pk=answer["user_message"]["id"]).content == "그 약 용량은?"
