"""Answering as an ordered list of steps (chat/answering.py STEPS): one trace row per step that ran, in order,
an early stop for CRM questions, one fallback, and the question validated before anything streams."""

import pytest

from chat.answering import STEPS
from chat.models import ChatMessage
from chat.services import session_create
from chat.tests.sse import read_events, streamed_text
from core.models import Outcome, TraceLog
from sales.tests.factories import AssignmentFactory, CustomerFactory, InteractionFactory, rep_user

pytestmark = pytest.mark.django_db


def ask(client, session, content, stream=False):
    suffix = "?stream=1" if stream else ""
    return client.post(f"/api/chat/sessions/{session.id}/messages/{suffix}", {"content": content}, format="json")


def traced_steps(answer):
    return list(TraceLog.objects.filter(request_id=answer["request_id"]).order_by("id")
                .values_list("step", "message_id"))


def test_a_document_answer_leaves_one_trace_row_per_step_in_order_linked_to_the_answer(auth_client, lipitor_docs):
    answer = ask(auth_client, session_create(owner=auth_client.user), "리피토 시작 용량은?").json()["assistant_message"]

    assert traced_steps(answer) == [(step, answer["id"]) for step in
                                    ("condense", "crm", "retrieve", "read", "generate", "check_citations", "store")]


def test_a_crm_question_is_answered_from_records_without_searching_documents(client_for, lipitor_docs):
    rep, employee = rep_user(name="영업A")
    customer = CustomerFactory(name="한빛대학교병원")
    AssignmentFactory(employee=employee, customer=customer)
    InteractionFactory(employee=employee, customer=customer, summary="리피토 처방 확대 논의")

    answer = ask(client_for(rep), session_create(owner=rep), "한빛대학교병원 최근 방문 기록").json()["assistant_message"]

    assert [step for step, _message in traced_steps(answer)] == [
        "condense", "crm", "generate", "check_citations", "store"]
    assert answer["sources"] and {s["kind"] for s in answer["sources"]} == {"crm"}
    assert "리피토 처방 확대 논의" in answer["content"] and "[1]" in answer["content"]


def test_a_failing_model_falls_back_to_the_extractive_answer_with_the_same_sources_and_citations(
        auth_client, lipitor_docs, llm, settings):
    settings.LLM_PROVIDER = "extractive"
    extractive = ask(auth_client, session_create(owner=auth_client.user), "리피토 시작 용량은?").json()
    settings.LLM_PROVIDER = "openai"
    llm.mode = "error"

    fallen_back = ask(auth_client, session_create(owner=auth_client.user), "리피토 시작 용량은?").json()

    expected, got = extractive["assistant_message"], fallen_back["assistant_message"]
    assert got["content"] == expected["content"] and "10mg" in got["content"]
    assert [(s["n"], s["chunk_id"], s["cited"]) for s in got["sources"]] == [
        (s["n"], s["chunk_id"], s["cited"]) for s in expected["sources"]]
    assert got["provider"] == "extractive"
    generate = TraceLog.objects.get(request_id=got["request_id"], step="generate")
    assert generate.outcome == Outcome.FALLBACK and generate.detail["fallback"] == "extractive"


def test_a_streamed_answer_announces_its_sources_first_and_stores_what_it_streamed(auth_client, lipitor_docs):
    events = read_events(ask(auth_client, session_create(owner=auth_client.user), "리피토 시작 용량은?", stream=True))

    names = [name for name, _data in events]
    assert names[0] == "meta" and names[-1] == "done" and set(names[1:-1]) == {"delta"}
    stored = ChatMessage.objects.get(pk=events[-1][1]["assistant_message"]["id"])
    assert stored.content == streamed_text(events) and "10mg" in stored.content
    assert [s["n"] for s in events[0][1]["sources"]] == [s["n"] for s in stored.sources]


@pytest.mark.parametrize("content", ["", "가" * 2001])
def test_a_bad_streamed_question_is_a_korean_400_before_any_stream_and_leaves_nothing(auth_client, content):
    session = session_create(owner=auth_client.user)

    response = ask(auth_client, session, content, stream=True)

    assert response.status_code == 400 and not response.streaming
    assert response.json()["detail"]
    assert not ChatMessage.objects.filter(session=session).exists()
    assert not TraceLog.objects.filter(step__in=[step.name for step in STEPS]).exists()
