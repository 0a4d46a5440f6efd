"""The openai provider against FakeLLMServer, a test double of a chat-completions server
(chat/tests/llm_double.py), and against a real server when LLM_TEST_BASE_URL is set."""

import os

import pytest

from chat.answering import FALLBACK_NOTICE
from chat.models import ChatMessage
from chat.providers import OpenAIProvider
from chat.services import session_create
from chat.tests.sse import read_events, streamed_text
from core.models import Outcome, TraceLog

pytestmark = pytest.mark.django_db


def ask(client, session, content, stream=False):
    suffix = "?stream=1" if stream else ""
    return client.post(f"/api/chat/sessions/{session.id}/messages/{suffix}", {"content": content}, format="json")


def trace(answer, step):
    return TraceLog.objects.get(request_id=answer["request_id"], step=step)


def test_llm_answer_streams_grounded_in_the_retrieved_passages(auth_client, lipitor_docs, llm):
    session = session_create(owner=auth_client.user)

    events = read_events(ask(auth_client, session, "리피토 시작 용량은?", stream=True))

    text = streamed_text(events)
    answer = events[-1][1]["assistant_message"]
    assert text == "리피토의 통상 시작 용량은 1일 1회 10mg입니다 [1]." == answer["content"]
    assert answer["provider"] == "openai" and answer["model"] == "test-double-model"
    assert (answer["prompt_tokens"], answer["completion_tokens"]) == (321, 17)
    request = llm.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    system, user = request["body"]["messages"]
    assert "[자료]에 있는 내용만 근거로" in system["content"] and "추측하지 말고" in system["content"]
    assert "[1] 리피토 제품 정보" in user["content"] and "리피토 시작 용량은?" in user["content"]


def test_llm_citation_to_a_passage_that_was_not_retrieved_is_removed_and_counted(auth_client, lipitor_docs, llm):
    llm.answer_pieces = ["시작 용량은 10mg입니다 [1]", ". 근거 없는 주장 [4", "2]."]
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "리피토 시작 용량은?").json()["assistant_message"]

    assert answer["content"] == "시작 용량은 10mg입니다 [1]. 근거 없는 주장 ."
    check = trace(answer, "check_citations")
    assert check.detail["removed"] == 1 and check.detail["invalid"] == [42] and check.detail["cited"] == [1]
    assert "[42]" in check.error
    assert [s["cited"] for s in answer["sources"] if s["n"] == 1] == [True]


def test_follow_up_is_condensed_by_the_llm_before_retrieval(auth_client, lipitor_docs, llm):
    session = session_create(owner=auth_client.user)
    ask(auth_client, session, "리피토는 어떤 약인가요?")
    llm.condensed = "리피토의 용량은 얼마인가요?"

    answer = ask(auth_client, session, "그 약 용량은?").json()

    assert answer["user_message"]["search_query"] == "리피토의 용량은 얼마인가요?"
    condense_request = [r for r in llm.requests if not r["body"].get("stream")][-1]
    assert "리피토는 어떤 약인가요?" in condense_request["body"]["messages"][-1]["content"]
    assert trace(answer["assistant_message"], "condense").outcome == Outcome.OK


def test_empty_llm_answer_falls_back_to_extractive(auth_client, lipitor_docs, llm):
    llm.answer_pieces = ["[7]", " "]
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "리피토 시작 용량은?").json()["assistant_message"]

    assert "10mg" in answer["content"] and answer["provider"] == "extractive"
    assert "empty answer" in trace(answer, "generate").error


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_failing_llm_falls_back_to_extractive_and_the_user_still_gets_an_answer(
        auth_client, lipitor_docs, llm, settings, mode):
    llm.mode, llm.delay = mode, 1.5
    settings.LLM_TIMEOUT_SECONDS = 0.5
    session = session_create(owner=auth_client.user)

    response = ask(auth_client, session, "리피토 시작 용량은?")

    assert response.status_code == 201
    answer = response.json()["assistant_message"]
    assert "10mg" in answer["content"] and answer["provider"] == "extractive"
    generate = trace(answer, "generate")
    assert generate.outcome == Outcome.FALLBACK and generate.error and generate.detail["fallback"] == "extractive"


def test_unreachable_llm_server_falls_back_while_condensing_and_answering(auth_client, lipitor_docs, settings):
    settings.LLM_PROVIDER, settings.LLM_BASE_URL, settings.LLM_MODEL = "openai", "http://127.0.0.1:9/v1", "m"
    session = session_create(owner=auth_client.user)
    ask(auth_client, session, "리피토는 어떤 약인가요?")

    answer = ask(auth_client, session, "그 약 용량은?").json()

    assert "리피토" in answer["user_message"]["search_query"]
    assert "10mg" in answer["assistant_message"]["content"]
    assert trace(answer["assistant_message"], "condense").outcome == Outcome.FALLBACK
    assert trace(answer["assistant_message"], "generate").outcome == Outcome.FALLBACK


def test_stream_cut_half_way_ends_with_an_extractive_answer_and_stores_what_was_streamed(
        auth_client, lipitor_docs, llm):
    llm.mode = "cut"
    llm.answer_pieces = ["리피토의 ", "시작 용량은 ", "[1", "] 입니다."]
    session = session_create(owner=auth_client.user)

    events = read_events(ask(auth_client, session, "리피토 시작 용량은?", stream=True))

    text = streamed_text(events)
    assert text.startswith("리피토의 시작 용량은 " + FALLBACK_NOTICE)
    assert "10mg" in text
    assert ChatMessage.objects.get(pk=events[-1][1]["assistant_message"]["id"]).content == text


def test_l1_user_question_never_sends_an_l2_passage_to_the_llm(client_for, llm, db):
    from accounts.tests.factories import UserFactory
    from documents.tests.factories import make_indexed_document

    make_indexed_document(["리피토 공급가는 정당 350원으로 인하 예정입니다."], title="L2 단가 계획", access_level=2)
    make_indexed_document(["리피토는 고지혈증 치료제이며 공급가는 영업지원팀이 분기마다 공지합니다."],
                          title="공개 제품 설명", access_level=1)
    l1 = UserFactory(access_level=1)

    ask(client_for(l1), session_create(owner=l1), "리피토 공급가")

    prompt = " ".join(llm.generation_prompts())
    assert "공개 제품 설명" in prompt
    assert "350원" not in prompt and "L2 단가 계획" not in prompt


@pytest.mark.skipif(not os.environ.get("LLM_TEST_BASE_URL"), reason="set LLM_TEST_BASE_URL (and LLM_TEST_MODEL) "
                    "to run against a real OpenAI-compatible server")
def test_real_llm_server_streams_an_answer():
    from chat.providers import Source

    provider = OpenAIProvider(base_url=os.environ["LLM_TEST_BASE_URL"], model=os.environ.get("LLM_TEST_MODEL", ""),
                              api_key=os.environ.get("LLM_TEST_API_KEY", ""), timeout=60)
    generation = provider.generate(question="리피토 시작 용량은?", search_query="리피토 시작 용량은?",
                                   sources=[Source(n=1, kind="passage", title="리피토 제품 정보",
                                                   text="통상 시작 용량은 1일 1회 10mg입니다.")])

    assert "10" in "".join(generation)


def test_llm_is_not_asked_when_no_document_states_the_asked_attribute(auth_client, lipitor_docs, llm):
    session = session_create(owner=auth_client.user)

    answer = ask(auth_client, session, "리피토 소아 용량은?").json()["assistant_message"]

    assert llm.generation_prompts() == []
    assert answer["content"].startswith("리피토의 소아 용량에 대한 내용은 문서에 없습니다")
    assert answer["provider"] == "extractive" and not [s for s in answer["sources"] if s["cited"]]


def test_llm_prompt_names_the_asked_product_and_attribute(auth_client, lipitor_docs, llm):
    from search.models import DrugSynonymGroup

    DrugSynonymGroup.objects.create(name="리피토").terms.create(term="리피토", kind="brand")
    session = session_create(owner=auth_client.user)

    ask(auth_client, session, "리피토 최대 용량은?")

    [prompt] = llm.generation_prompts()
    assert "제품: 리피토" in prompt and "최대 용량" in prompt
    assert "노바스크" not in prompt  # only the evidence about the asked product is given
