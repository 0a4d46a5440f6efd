"""search/0011: how patients describe what monographs name (swelling "like an elephant", a face "like a full
moon", smoking) asks the passage that names it, and a fact no passage states stays "not found" (search API, real
database and index). The migration keeps an admin's edits and goes back cleanly."""

import pytest

from documents.tests.factories import make_indexed_document
from search.question import invalidate_dictionaries
from search.tests.test_composer import search
from search.tests.test_lay_terms_migration import migrate

STEROID = ["메디프레드정(메틸프레드니솔론)은 부신피질호르몬제입니다. 1일 4~48mg을 증상에 따라 나누어 복용합니다.",
           "장기 복용: 몇 주 이상 복용하면 얼굴이 둥글어지는 쿠싱 증후군 같은 증상이 나타날 수 있으며, 임의로 끊지 말고 "
           "의사와 상의하여 용량을 서서히 줄입니다.",
           "부종이 나타나면 염분 섭취를 줄이고 의사에게 알리도록 안내합니다."]


@pytest.mark.django_db
def test_lay_descriptions_of_a_side_effect_ask_the_passage_that_names_it(client_for):
    make_indexed_document(STEROID, title="메디프레드정 제품 정보")
    invalidate_dictionaries()

    moon_face = search(client_for, "메디프레드 오래 드신 분이 달덩이처럼 빵빵해지셨대")
    elephant = search(client_for, "메디프레드 먹고 다리가 코끼리처럼 됐대요")

    assert moon_face["answerable"] is True and "쿠싱" in moon_face["answer"]
    assert elephant["answerable"] is True and "부종" in elephant["answer"]


@pytest.mark.django_db
def test_smoking_asked_of_a_medicine_whose_sheet_never_mentions_it_is_not_found(client_for):
    make_indexed_document(STEROID, title="메디프레드정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "메디프레드정을 복용하면서 담배를 피워도 되나요?")

    assert body["answerable"] is False and body["citations"] == []


BEFORE = [("search", "0010_answer_lexicon_everyday_asks")]
AFTER = [("search", "0011_answer_lexicon_lay_symptoms")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lay_symptoms_keep_admin_edits_and_go_back_cleanly():
    old = migrate(BEFORE)
    attributes = old.get_model("search", "AnswerAttribute").objects
    swelling = attributes.get(name="부종")
    swelling.question_terms = [*swelling.question_terms, "띵띵"]  # an admin's own term
    swelling.save()
    assert not attributes.filter(name="흡연").exists()

    new = migrate(AFTER).get_model("search", "AnswerAttribute").objects
    swelling = new.get(name="부종")
    assert "띵띵" in swelling.question_terms and "코끼리" in swelling.question_terms
    assert "흡연" in new.get(name="흡연").evidence_terms

    back = migrate(BEFORE).get_model("search", "AnswerAttribute").objects
    assert not back.filter(name="흡연").exists()
    swelling = back.get(name="부종")
    assert "띵띵" in swelling.question_terms and "코끼리" not in swelling.question_terms
    migrate()
