"""Which product a question asks about when the dictionaries do not know it yet: names in document titles,
names written like products, combinations named by their ingredients (search API, real database and index)."""

import re

import pytest

from documents.tests.factories import make_indexed_document
from search.models import DrugSynonym, DrugSynonymGroup, SynonymKind
from search.question import invalidate_dictionaries, understand
from search.tests.test_composer import cited_titles, search

pytestmark = pytest.mark.django_db


def test_a_product_named_only_by_a_document_title_is_the_asked_product(client_for):
    make_indexed_document(["제미글로정(제미글립틴)은 DPP-4 억제제입니다. 용법·용량: 1일 1회 50mg을 음식과 관계없이 "
                           "복용합니다."], title="제미글로정 제품설명서")
    make_indexed_document(["자누비아정(시타글립틴)은 DPP-4 억제제입니다. 권장 용량은 1일 1회 100mg입니다."],
                          title="자누비아정 제품 정보")
    make_indexed_document(["비리어드정은 만성 B형 간염에 씁니다. 성인의 권장 용량은 1일 1회 300mg입니다."],
                          title="비리어드정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "제미글로 권장 용량")

    assert body["answerable"] is True
    assert "50mg" in body["answer"]
    assert "100mg" not in body["answer"] and "300mg" not in body["answer"]
    assert cited_titles(body) == {"제미글로정 제품설명서"}


def test_a_title_the_asker_cannot_see_names_no_product(client_for):
    """A restricted document's title must not change the answer: it reads as for a name no document has."""
    make_indexed_document(["노바스크정(암로디핀)은 통상 1일 1회 5mg으로 시작합니다."], title="노바스크정 제품 정보")
    invalidate_dictionaries()
    before = search(client_for, "카나브 시작 용량")

    make_indexed_document(["카나브정(피마사르탄)은 1일 1회 60mg으로 시작합니다."], title="카나브정 제품설명서",
                          access_level=3)
    invalidate_dictionaries()
    after = search(client_for, "카나브 시작 용량")

    # Not another product's dose: the name is not in any document the asker may read.
    assert before["answerable"] is False and "'카나브'" in before["answer"] and before["citations"] == []
    assert after["answer"] == before["answer"] and after["answerable"] is False
    # The same title in a document everyone may read does name the product (so the check above can fail).
    make_indexed_document(["카나브정(피마사르탄)은 1일 1회 60mg으로 시작합니다."], title="카나브정 제품설명서")
    invalidate_dictionaries()
    assert [p.name for p in understand("카나브 시작 용량").products] == ["카나브정"]


def test_a_name_written_like_a_product_that_no_document_has_is_not_found(client_for):
    make_indexed_document(["노바스크정(암로디핀)의 통상 시작 용량은 1일 1회 5mg이며 최대 1일 10mg까지 증량합니다."],
                          title="노바스크정 제품설명서")

    for query, name in (("리바로정 최대 용량", "리바로정"), ("K-CAB 병용 금기 약물", "K-CAB")):
        body = search(client_for, query)

        assert body["answerable"] is False, query
        assert name in body["answer"] and "찾지 못했습니다" in body["answer"]
        assert body["citations"] == [] and not re.search(r"\[\d+\]", body["answer"])


def test_a_combination_named_by_its_ingredients_is_that_product_not_a_part_of_it(client_for):
    group = DrugSynonymGroup.objects.create(name="디오반")
    DrugSynonym.objects.create(group=group, term="디오반", kind=SynonymKind.BRAND)
    DrugSynonym.objects.create(group=group, term="발사르탄", kind=SynonymKind.INGREDIENT)
    make_indexed_document(["엔트레스토필름코팅정(사쿠비트릴·발사르탄)은 심부전 치료제입니다. 저용량 시작: 중증 신장애 "
                           "환자는 1회 50mg, 1일 2회로 시작합니다."], title="엔트레스토필름코팅정 제품 정보")
    make_indexed_document(["디오반정(발사르탄)은 고혈압 치료제입니다. 중증 신장애 환자는 1일 1회 40mg으로 시작합니다."],
                          title="디오반정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "사쿠비트릴/발사르탄 중증 신장애 시작 용량")

    assert body["answerable"] is True
    assert "50mg" in body["answer"] and "40mg" not in body["answer"]
    assert cited_titles(body) == {"엔트레스토필름코팅정 제품 정보"}


def test_a_table_row_without_its_header_still_states_its_edi_code(client_for):
    make_indexed_document(["엔트레스토필름코팅정은 심부전 치료제입니다.\n함량 | 성분 함량 | 보험약가 | EDI 코드",
                           "100mg | 49/51mg | 1,806원 | 657301100\n200mg | 97/103mg | 2,040원 | 657301200"],
                          title="엔트레스토필름코팅정 제품 정보")

    body = search(client_for, "엔트레스토 200mg EDI 코드")

    assert body["answerable"] is True
    assert "657301200" in body["answer"] and "657301100" not in body["answer"]


def test_a_lexicon_term_is_asked_only_where_a_word_begins():
    """"비용도" is 비용 + 도, not 용도 (적응증); "병용금기" is 병용 + 금기."""
    assert "적응증" not in [a.name for a in understand("학회 참가 때 관광 비용도 지원되나요?").attributes]
    assert "금기" in [a.name for a in understand("리피토 병용금기 약물").attributes]


def test_a_brand_is_its_name_without_a_soft_capsule_and_its_name_is_no_comparison(client_for):
    """"아보다트연질캡슐" is asked as 아보다트 (연질캡슐 is the dosage form); 보다 inside the name compares nothing."""
    make_indexed_document(["아보다트연질캡슐(두타스테리드)은 양성 전립선 비대증에 씁니다. 캡슐 내용물이 점막을 자극할 수 "
                           "있으므로 씹거나 열지 말고 통째로 삼킵니다."], title="아보다트연질캡슐 제품 정보")
    invalidate_dictionaries()

    question = understand("아보다트 PSA 몇 % 감소")

    assert [p.name for p in question.products] == ["아보다트연질캡슐"] and question.compares is False


def test_the_verb_of_a_question_finds_its_sentence(client_for):
    make_indexed_document(["포사맥스정(알렌드론산나트륨)은 골다공증 치료제입니다. 1주일에 한 번 아침에 일어나자마자 공복에 "
                           "물 한 컵과 함께 복용합니다. 정제는 씹거나 입 안에서 녹여 먹지 않습니다. 복용한 뒤 30분 동안 "
                           "눕지 않습니다."], title="포사맥스정 복약 안내")
    invalidate_dictionaries()

    body = search(client_for, "포사맥스정은 씹어서 먹어도 되나요?")

    assert body["answerable"] is True
    assert body["answer"].startswith("정제는 씹거나 입 안에서 녹여 먹지 않습니다.")


def test_a_sentence_holding_what_a_question_names_answers_it_in_other_words(client_for):
    """"제산제와 같이 먹어도 되나요?" asks 상호작용; the sheet says 관계없이, a word the lexicon does not tie to it."""
    make_indexed_document(["페브릭정(페부크소스탯)은 통풍 환자의 고요산혈증 치료제입니다. 1일 1회 40mg을 복용합니다. "
                           "음식이나 제산제와 관계없이 복용할 수 있습니다. 투여 초기에는 콜키신을 함께 투여합니다."],
                          title="페브릭정 제품설명서")
    invalidate_dictionaries()

    body = search(client_for, "페브릭은 제산제와 같이 먹어도 되나요?")

    assert body["answerable"] is True
    assert "제산제와 관계없이" in body["answer"]
