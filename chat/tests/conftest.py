import pytest

from chat.tests.llm_double import FakeLLMServer


@pytest.fixture
def llm(settings):
    """The chat-completions test double, started, with LLM_PROVIDER=openai pointing at it."""
    server = FakeLLMServer().start()
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = server.base_url
    settings.LLM_MODEL = "test-double-model"
    settings.LLM_API_KEY = "test-key"
    settings.LLM_TIMEOUT_SECONDS = 2.0
    yield server
    server.stop()


@pytest.fixture
def lipitor_docs(db):
    from documents.tests.factories import make_indexed_document

    return {
        "lipitor": make_indexed_document(
            ["리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴 계열 약물입니다.",
             "통상 시작 용량은 1일 1회 10mg이며, 최대 용량은 1일 80mg입니다."],
            title="리피토 제품 정보"),
        "norvasc": make_indexed_document(
            ["노바스크(암로디핀)는 고혈압 치료에 쓰는 칼슘채널차단제입니다.",
             "노바스크의 통상 용량은 1일 1회 5mg입니다."],
            title="노바스크 제품 정보"),
    }
