"""Names the documents print one way and reps write another (Latin letters, an ingredient without its salt), an
interaction partner no document names, and numbers read against ranges and asked units (search API, real
database and index)."""

import pytest

from documents.tests.factories import make_indexed_document
from search.models import DrugSynonym, DrugSynonymGroup, SynonymKind
from search.question import hangul_key, ingredient_base, invalidate_dictionaries, latin_keys, understand
from search.tests.test_composer import cited_titles, search

pytestmark = pytest.mark.django_db

ENTRESTO = ["엔트레스토필름코팅정(사쿠비트릴·발사르탄)은 심부전 치료제입니다.",
            "임부: 임부에게는 투여하지 않으며, 투여 중 임신을 알게 되면 즉시 중단합니다."]
GASMOTIN = ["가스모틴정(모사프리드시트르산염수화물)은 위장관운동개선제입니다.",
            "용법·용량: 성인은 1회 5mg을 1일 3회 식전 또는 식후에 복용합니다.",
            "상호작용: 항콜린제와 함께 쓰면 이 약의 작용이 약해질 수 있으므로 복용 간격을 둡니다. 에리트로마이신과 함께 "
            "쓰면 이 약의 혈중 농도가 올라갈 수 있습니다."]
OTHER = ["자누비아정(시타글립틴)은 DPP-4 억제제입니다.", "임부에게는 투여하지 않는 것이 좋습니다. 1회 100mg을 1일 1회 "
         "복용합니다."]


@pytest.mark.parametrize("latin, korean", [
    ("Entresto", "엔트레스토"), ("Zemiglo", "제미글로"), ("mirabegron", "미라베그론"), ("oseltamivir", "오셀타미비르"),
    ("K-CAB", "케이캡"), ("Norvasc", "노바스크"), ("Xarelto", "자렐토"), ("celecoxib", "세레콕시브"), ("Lexapro", "렉사프로")])
def test_a_latin_spelling_reduces_to_the_consonants_of_its_korean_name(latin, korean):
    assert hangul_key(korean) in latin_keys(latin)


def test_different_names_keep_different_keys():
    assert hangul_key("자누비아") not in latin_keys("Entresto")
    assert hangul_key("리피토") not in latin_keys("Lyrica")


def test_salt_and_hydrate_endings_leave_the_ingredient_people_say():
    assert ingredient_base("모사프리드시트르산염수화물") == "모사프리드"
    assert ingredient_base("에독사반토실산염수화물") == "에독사반"
    assert ingredient_base("도네페질염산염") == "도네페질"
    assert ingredient_base("메만틴") == "메만틴"


def test_a_product_written_in_latin_letters_is_answered_from_its_korean_sheet(client_for):
    make_indexed_document(ENTRESTO, title="엔트레스토필름코팅정 제품 정보")
    make_indexed_document(OTHER, title="자누비아정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "Entresto 임부 투여")

    assert body["answerable"] is True
    assert "즉시 중단" in body["answer"]
    assert cited_titles(body) == {"엔트레스토필름코팅정 제품 정보"}


def test_a_latin_name_that_spells_no_known_product_is_not_found(client_for):
    make_indexed_document(ENTRESTO, title="엔트레스토필름코팅정 제품 정보")
    make_indexed_document(OTHER, title="자누비아정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "Zenapix 임부 투여")

    assert body["answerable"] is False and body["citations"] == []
    assert "Zenapix" in body["answer"]


def test_an_ingredient_named_without_its_salt_is_the_product_of_the_sheet_that_prints_it(client_for):
    make_indexed_document(GASMOTIN, title="가스모틴정 제품설명서")
    make_indexed_document(OTHER, title="자누비아정 제품 정보")
    invalidate_dictionaries()

    # The sheet's product, so the search also looks for 가스모틴정 (Kiwi splits the long ingredient differently).
    assert [p.name for p in understand("모사프리드 1회 용량").products] == ["가스모틴정"]
    body = search(client_for, "모사프리드 1회 용량")

    assert body["answerable"] is True
    assert "5mg" in body["answer"] and "100mg" not in body["answer"]
    assert cited_titles(body) == {"가스모틴정 제품설명서"}


def test_an_interaction_partner_no_passage_names_is_not_found(client_for):
    make_indexed_document([
        "페브릭정(페부크소스탯)은 요산생성억제제입니다. 용법·용량: 1일 1회 40mg으로 시작합니다.\n"
        "통풍 발작 예방: 투여를 시작할 때부터 최소 6개월간 비스테로이드성 소염진통제나 콜키신을 예방 목적으로 함께 "
        "투여합니다.\n금기: 아자티오프린 또는 머캅토퓨린을 투여 중인 환자에게는 투여하지 않습니다."],
        title="페브릭정 제품설명서")
    invalidate_dictionaries()

    absent = search(client_for, "페브릭 와파린 병용")
    present = search(client_for, "페브릭 콜키신 병용")

    # Not the colchicine sentence, which says 함께 of another medicine.
    assert absent["answerable"] is False and absent["citations"] == []
    assert "와파린" in absent["answer"]
    assert present["answerable"] is True and "콜키신" in present["answer"]


def test_a_weight_is_answered_by_the_table_row_whose_range_holds_it(client_for):
    make_indexed_document([
        "타미플루캡슐(오셀타미비르인산염)은 항바이러스제입니다. 소아 용량: 1세 이상 소아는 체중에 따라 1회 용량을 정하여 "
        "1일 2회 5일간 복용합니다(아래 표 참고).",
        "보관: 25℃ 이하에서 보관합니다.\n\n체중 | 1회 용량(1일 2회, 5일간)\n15kg 이하 | 30mg\n15kg 초과 23kg 이하 | 45mg\n"
        "23kg 초과 40kg 이하 | 60mg\n40kg 초과 | 75mg"], title="타미플루캡슐 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "타미플루 체중 30kg 아이 1회 용량")

    assert body["answerable"] is True
    assert "60mg" in body["answer"]
    assert "45mg" not in body["answer"] and "30mg" not in body["answer"].replace("30kg", "")


def test_a_question_asking_how_many_percent_is_answered_by_the_sentence_with_the_percentage(client_for):
    make_indexed_document([
        "아보다트연질캡슐(두타스테리드)은 전립선비대증 치료제입니다.",
        "이상반응: 발기부전, 성욕 감소, 사정 장애가 보고되었습니다.",
        "전립선특이항원(PSA): 6개월 복용하면 혈청 PSA 수치가 약 50% 낮아지므로 수치를 2배로 계산합니다."],
        title="아보다트연질캡슐 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "아보다트 PSA 몇 % 감소")

    assert body["answerable"] is True
    assert "50%" in body["answer"] and "성욕" not in body["answer"]


def test_a_combination_named_by_its_ingredients_in_latin_letters_is_the_combination(client_for):
    group = DrugSynonymGroup.objects.create(name="조코")
    DrugSynonym.objects.create(group=group, term="조코", kind=SynonymKind.BRAND)
    DrugSynonym.objects.create(group=group, term="심바스타틴", kind=SynonymKind.INGREDIENT)
    DrugSynonym.objects.create(group=group, term="simvastatin", kind=SynonymKind.ENGLISH)
    make_indexed_document(["바이토린정(에제티미브·심바스타틴)은 고지혈증 복합제입니다. 최대 용량: 1일 1회 10/40mg까지 "
                           "복용합니다."], title="바이토린정 제품 정보")
    make_indexed_document(["조코정(심바스타틴)은 스타틴입니다. 최대 용량: 1일 1회 80mg까지 복용합니다."], title="조코정 제품 정보")
    invalidate_dictionaries()

    for query in ("ezetimibe simvastatin 최대 용량", "에제티미브 심바스타틴 최대 용량"):
        body = search(client_for, query)

        assert body["answerable"] is True, query
        assert "10/40mg" in body["answer"] and "80mg" not in body["answer"], query
        assert cited_titles(body) == {"바이토린정 제품 정보"}, query


def test_an_attribute_asked_by_another_form_of_its_verb_is_understood(client_for):
    make_indexed_document(["바이토린정(에제티미브·심바스타틴)은 고지혈증 복합제입니다. 최대 용량: 1일 1회 10/40mg까지 "
                           "복용합니다.\n근육병증: 원인 모를 근육통이나 근력 약화가 나타나면 즉시 알리도록 안내합니다."],
                          title="바이토린정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "바이토린 드시는 분이 팔다리가 쑤신대, 어떻게 해?")

    assert "근육통" in [a.name for a in understand("팔다리가 쑤신대").attributes]
    assert body["answerable"] is True
    assert "즉시 알리" in body["answer"] and "10/40mg" not in body["answer"]


@pytest.mark.parametrize("question, document, expected, absent", [
    ("케이캡 먹고 나서 변이 묽어지는 경우 있어?",
     ["케이캡정(테고프라잔)은 위산분비 차단제입니다.\n이상반응: 설사, 복부 팽만, 두통이 보고되었습니다.\n"
      "보관: 실온에서 보관합니다."], "설사", "실온"),
    ("자누비아 먹다 배가 계속 심하게 아프면?",
     ["자누비아정(시타글립틴)은 DPP-4 억제제입니다.\n췌장염: 지속적인 심한 복통이 나타나면 투여를 중단합니다.\n"
      "보관: 실온에서 보관합니다."], "췌장염", "실온"),
    ("싱귤레어 세 살짜리 애한테는 얼마 먹여?",
     ["싱귤레어정(몬테루카스트나트륨)은 천식 치료제입니다.\n6~14세 소아: 1일 1회 5mg 츄정을 복용합니다.\n"
      "2~5세 소아: 1일 1회 4mg 세립을 복용합니다."], "4mg", "5mg"),
])
def test_everyday_words_ask_what_the_sheet_states_in_its_own_terms(client_for, question, document, expected, absent):
    title = document[0].split("(")[0] + " 제품 정보"
    make_indexed_document(document, title=title)
    invalidate_dictionaries()

    body = search(client_for, question)

    assert body["answerable"] is True, body["answer"]
    assert expected in body["answer"] and absent not in body["answer"]


def test_who_a_question_is_about_is_not_required_of_the_answer(client_for):
    make_indexed_document(["영업 차량은 배정받은 영업사원 본인과 팀장이 승인한 임직원만 운전할 수 있으며, 가족은 운전할 수 "
                           "없다.\n주유비는 법인카드로 결제한다."], title="영업 차량 운영 기준")
    invalidate_dictionaries()

    body = search(client_for, "회사 차 와이프가 몰아도 돼?")

    assert body["answerable"] is True
    assert "가족은 운전할 수 없다" in body["answer"]
