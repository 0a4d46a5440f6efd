"""The answer a rep reads: the search API's `answer`, `answerable` and `citations`, composed from documents
indexed through the real indexing step (embeddings, both search legs, the real database)."""

import re

import pytest

from accounts.tests.factories import UserFactory
from documents.tests.factories import make_indexed_document

pytestmark = pytest.mark.django_db
URL = "/api/search/"


def search(client_for, query):
    response = client_for(UserFactory(access_level=1)).post(URL, {"query": query}, format="json")
    assert response.status_code == 200
    return response.json()


def cited_titles(body):
    return {body["results"][n - 1]["document_title"] for n in body["citations"]}


def test_faq_question_lines_are_never_quoted_only_their_answers(client_for):
    make_indexed_document(["Q. 리피토를 자몽 주스와 함께 먹어도 되나요? A. 자몽 주스를 하루 1.2리터 이상 마시면 리피토 혈중 농도가 "
                           "올라가므로 많이 마시지 않도록 안내합니다.",
                           "Q. 리피토의 최대 1일 용량은? A. 최대 1일 80mg입니다."], title="리피토 FAQ")

    body = search(client_for, "리피토 자몽 주스 같이 먹어도 돼?")

    assert body["answerable"] is True
    assert "1.2리터" in body["answer"]
    assert "나요?" not in body["answer"] and "Q." not in body["answer"] and "용량은?" not in body["answer"]


def test_answer_never_uses_a_sentence_about_another_product(client_for):
    make_indexed_document(["엘리퀴스(아픽사반)의 통상 용량은 1일 2회 5mg입니다. 혈청 크레아티닌 1.5mg/dL 이상 등 두 가지 "
                           "이상에 해당하면 2.5mg으로 감량합니다."], title="엘리퀴스 용량 감량 기준")
    make_indexed_document(["노바스크(암로디핀)는 통상 5mg으로 시작합니다. 고령자나 간기능 장애 환자는 2.5mg으로 감량해 "
                           "시작합니다."], title="노바스크 제품 정보")

    body = search(client_for, "엘리퀴스 신기능 저하 환자 용량 감량 기준")

    assert body["answerable"] is True
    assert "크레아티닌" in body["answer"]
    assert cited_titles(body) == {"엘리퀴스 용량 감량 기준"}
    assert "노바스크" not in body["answer"] and "고령자" not in body["answer"]


def test_a_table_row_is_answered_with_its_column_headers(client_for):
    make_indexed_document(["2026년 보험약가표\n제품명 | 함량 | 포장 | 보험약가\n트윈스타정 | 40mg | 30정 | 612원\n"
                           "트윈스타정 | 80mg | 30정 | 701원"], title="보험약가표")

    body = search(client_for, "트윈스타 40mg 보험약가")

    assert body["answerable"] is True
    assert "트윈스타정 40mg — 보험약가 612원" in body["answer"]
    assert "701원" not in body["answer"]


def test_a_combined_strength_with_a_slash_finds_its_table_row(client_for):
    make_indexed_document(["2026년 보험약가표\n제품명 | 함량 | 포장 | 보험약가\n트윈스타정 | 40/5mg | 30정 | 612원\n"
                           "트윈스타정 | 80/5mg | 30정 | 701원"], title="보험약가표")

    body = search(client_for, "트윈스타 40/5mg 보험약가")

    assert body["answerable"] is True
    assert "612원" in body["answer"] and "701원" not in body["answer"]


def test_a_product_no_document_mentions_is_not_found_and_named(client_for):
    make_indexed_document(["노바스크(암로디핀)는 통상 1일 1회 5mg으로 시작합니다."], title="노바스크 제품 정보")

    body = search(client_for, "제니스타정 시작 용량은?")

    assert body["answerable"] is False
    assert "제니스타정" in body["answer"] and "찾지 못했습니다" in body["answer"]
    assert body["citations"] == [] and not re.search(r"\[\d+\]", body["answer"])


def test_a_known_product_with_an_attribute_no_document_states_is_not_found(client_for):
    make_indexed_document(["노바스타정(암로디핀)은 성인에게 1일 1회 5mg을 투여하며 최대 10mg까지 증량합니다.",
                           "흔한 이상반응은 말초 부종과 두통입니다."], title="노바스타정 제품 정보")

    body = search(client_for, "노바스타정 소아 용량")

    assert body["answerable"] is False
    assert body["answer"].startswith("노바스타정의 소아 용량에 대한 내용은 문서에 없습니다")
    assert body["citations"] == [] and not re.search(r"\[\d+\]", body["answer"])


def test_off_topic_search_may_return_passages_but_the_answer_cites_none(client_for):
    make_indexed_document(["리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴입니다. 발매 일정은 2026년 3월입니다."],
                          title="리피토 제품 정보")

    body = search(client_for, "화성 탐사 로켓 발사 일정")

    assert body["answerable"] is False and body["confidence"] == 0
    assert body["citations"] == [] and not re.search(r"\[\d+\]", body["answer"])
    assert "찾지 못했습니다" in body["answer"]


def test_paraphrased_question_is_answered_through_the_attribute_lexicon(client_for):
    make_indexed_document(["견본품 배포 시 수령 의료인의 서명을 받고 영업지원팀 시스템에 48시간 이내 등록한다."],
                          title="견본품 배포 SOP")
    make_indexed_document(["이상사례는 24시간 이내에 약물감시 담당자에게 보고한다."], title="이상사례 보고 SOP")

    body = search(client_for, "샘플 나눠준 뒤 언제까지 시스템에 올려야 해?")

    assert body["answerable"] is True
    assert "48시간" in body["answer"] and cited_titles(body) == {"견본품 배포 SOP"}


def test_an_admin_added_attribute_is_understood_at_once(client_for):
    from search.models import AnswerAttribute

    make_indexed_document(["리피토정은 흰색의 타원형 필름코팅정입니다. 1일 1회 복용합니다."], title="리피토 제품 정보")
    assert search(client_for, "리피토 알약 겉모습")["answerable"] is False

    AnswerAttribute.objects.create(name="외관", question_terms=["겉모습", "외관"], evidence_terms=["흰색", "타원형"])

    body = search(client_for, "리피토 알약 겉모습")
    assert body["answerable"] is True and "타원형" in body["answer"]


def test_openapi_schema_documents_answerable_and_confidence(client_for):
    schema = client_for(UserFactory()).get("/api/schema/?format=json").json()

    result = schema["components"]["schemas"]["SearchResult"]
    assert {"answerable", "confidence"} <= set(result["required"])
    assert "인용하지 않습니다" in result["properties"]["answerable"]["description"]


def test_everyday_words_find_the_clinical_term(client_for):
    make_indexed_document(["자디앙정은 1일 1회 10mg을 복용합니다. 가장 흔한 이상반응은 요로 감염과 생식기 진균 감염입니다.",
                           "자디앙정은 실온에서 보관합니다."], title="자디앙정 제품설명서")

    body = search(client_for, "자디앙정 먹고 소변 볼 때 따갑고 염증 생기는 거 흔해?")

    assert body["answerable"] is True
    assert "요로 감염" in body["answer"]


def test_a_storage_line_about_childrens_reach_is_not_a_childrens_dose(client_for):
    make_indexed_document(["자디앙정의 권장 시작 용량은 성인 1일 1회 10mg입니다.",
                           "보관: 실온에서 보관하고 어린이의 손이 닿지 않는 곳에 둡니다."], title="자디앙정 제품설명서")

    body = search(client_for, "자디앙정 소아 용량")

    assert body["answerable"] is False
    assert body["citations"] == []


def test_expiry_is_not_a_treatment_duration(client_for):
    make_indexed_document(["비리어드정은 투여를 중단한 뒤 최소 수개월 동안 간기능 검사를 합니다."], title="비리어드정 제품 정보")

    body = search(client_for, "비리어드정 유효기간")

    assert body["answerable"] is False


def test_a_duration_in_words_matches_the_days_a_document_states(client_for):
    make_indexed_document(["강연료는 1회 50만원 이내로 지급합니다.",
                           "지급이 끝나면 7일 이내에 컴플라이언스팀에 지급 내역을 보고합니다."], title="강연 지급 기준")

    body = search(client_for, "강연료 주고 나서 일주일 안에 보고하면 돼?")

    assert body["answerable"] is True
    assert "7일 이내" in body["answer"] and "50만원" not in body["answer"]


def test_how_many_weeks_is_answered_by_the_sentence_stating_weeks(client_for):
    make_indexed_document(["아리셉트정은 1일 1회 5mg으로 시작하고 4~6주 유지한 뒤 10mg으로 늘립니다. "
                           "10mg을 3개월 이상 복용한 환자는 23mg으로 증량을 고려합니다."], title="아리셉트정 복약 안내")

    body = search(client_for, "아리셉트정 10mg으로 늘리기 전 몇 주 유지")

    assert body["answerable"] is True
    assert "4~6주" in body["answer"]


def test_a_general_sentence_brings_the_figures_that_follow_it(client_for):
    make_indexed_document(["비리어드정은 신기능이 떨어진 환자에게 투여 간격을 늘립니다. 크레아티닌 청소율 30~49mL/min이면 "
                           "48시간마다 300mg을 투여합니다."], title="비리어드정 제품 정보")

    body = search(client_for, "비리어드정 신기능 투여 간격")

    assert body["answerable"] is True
    assert "48시간마다" in body["answer"]


def test_a_table_row_stating_the_asked_code_answers_without_its_headers(client_for):
    make_indexed_document(["아리셉트정 | 5mg | 1,102원 | 655403050\n아리셉트정 | 10mg | 1,585원 | 655403100"],
                          title="약가 및 주문 안내")

    body = search(client_for, "EDI 655403100 약가")

    assert body["answerable"] is True
    assert "1,585원" in body["answer"] and "1,102원" not in body["answer"]


def test_the_number_of_a_numbered_heading_is_never_quoted(client_for):
    make_indexed_document(["3. 이상반응\n아리셉트정은 구역, 설사, 불면이 흔하며 계속 복용하면 줄어듭니다."], title="아리셉트정 복약 안내")

    body = search(client_for, "아리셉트정 부작용")

    assert body["answerable"] is True
    assert "불면" in body["answer"]
    assert not re.search(r"(?:^|\s)3\.\s*\[", body["answer"])


def test_a_dosage_form_in_a_table_is_not_another_product(client_for):
    make_indexed_document(["자디앙정 제품설명서\n함량 | 성상 | 포장 단위 | 유효기간\n"
                           "10mg | 연노란색 원형 필름코팅정 | 30정 | 제조일로부터 36개월"], title="자디앙정 제품설명서")

    body = search(client_for, "자디앙정 유효기간")

    assert body["answerable"] is True
    assert "36개월" in body["answer"]
