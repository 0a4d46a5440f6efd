"""Questions asked in everyday words and how documents answer them: a limit asked without a product needs a
passage about what the question names, a limit asked of a medicine is its maximum dose, a range row answered
with the column asked, a price row names a strength but states no dose, a sentence shares the strength of its
paragraph, ingredients read from a price table's column, and Latin words matched whole (search API, real
database and index)."""

import pytest

from documents.tests.factories import make_indexed_document
from search.composer import Passage, compose
from search.question import Product, hangul_key, invalidate_dictionaries, latin_keys, transliterated, understand
from search.tests.test_composer import cited_titles, search

pytestmark = pytest.mark.django_db

GIFT_RULES = ["Q. 경조사비는 얼마까지 가능한가요? A. 경조사비는 20만원 이내, 화환은 10만원 이내로 제공할 수 있습니다.",
              "Q. 판촉물은 얼마까지 줄 수 있나요? A. 같은 보건의료인에게 주는 판촉물은 연간 5만원을 넘지 않도록 합니다."]
KEPPRA = ["케프라정(레베티라세탐)은 항뇌전증제입니다. 성인 시작 용량: 1회 500mg을 1일 2회 복용합니다.",
          "크레아티닌 청소율(mL/min) | 신기능 | 1회 용량 | 투여 횟수\n80 이상 | 정상 | 500~1,500mg | 1일 2회\n"
          "50~79 | 경증 저하 | 500~1,000mg | 1일 2회\n30~49 | 중등도 저하 | 250~750mg | 1일 2회\n"
          "30 미만 | 중증 저하 | 250~500mg | 1일 2회"]
VYTORIN = ["바이토린정(에제티미브·심바스타틴)은 이상지질혈증 치료제입니다. 1일 1회 저녁에 복용합니다.",
           "병용 시 용량 제한: 베라파밀이나 딜티아젬을 함께 복용하는 환자는 1일 10/10mg을 넘기지 않습니다."]
PRICE_NOTICE = ["2027년 2분기 보험약가 및 공급 안내입니다.",
                "제품명 | 성분 | 규격 | 보험약가 | EDI 코드\n가나톤정 | 이토프리드염산염 | 50mg | 102원 | 660806050\n"
                "가브스메트정 | 빌다글립틴·메트포르민염산염 | 50/850mg | 310원 | 660802850\n"
                "판토록정 | 판토프라졸나트륨세스퀴수화물 | 40mg | 612원 | 660804040",
                "약가 인하: 판토록정 40mg은 2027년 4월 1일부터 인하된 약가가 적용됩니다. 인하 전 약가로 공급되어 거래처에 "
                "남아 있는 재고의 차액 보상은 4월 30일까지 재고 수량 확인서를 첨부해 신청합니다."]
DIABEX = ["다이아벡스정(메트포르민)은 제2형 당뇨병 치료제입니다. 1회 500mg을 1일 2회 식사와 함께 복용합니다."]


def test_a_limit_asked_without_a_product_needs_a_passage_about_what_it_names(client_for):
    make_indexed_document(GIFT_RULES, title="공정경쟁규약 자주 묻는 질문")

    off_topic = search(client_for, "여자친구 크리스마스 선물 얼마까지 사야 돼?")
    work = search(client_for, "의사 선생님 결혼식 축의금 얼마까지 돼?")

    assert off_topic["answerable"] is False and off_topic["citations"] == []
    assert work["answerable"] is True and "20만원" in work["answer"]


def test_a_limit_asked_of_a_medicine_is_its_maximum_dose_written_as_not_exceeding(client_for):
    make_indexed_document(VYTORIN, title="바이토린정 제품 정보")
    invalidate_dictionaries()

    question = understand("바이토린을 딜티아젬과 같이 먹는 환자는 얼마까지 쓸 수 있나요?")
    assert {a.name for a in question.attributes} == {"상호작용", "최대 용량"}
    assert "한도" in {a.name for a in understand("제품설명회 식사비 한도는 얼마까지야?").attributes}
    body = search(client_for, "바이토린을 딜티아젬과 같이 먹는 환자는 얼마까지 쓸 수 있나요?")

    assert body["answerable"] is True and "10/10mg" in body["answer"]


def test_a_renal_range_is_read_as_a_row_and_answered_with_the_column_asked(client_for):
    make_indexed_document(KEPPRA, title="케프라정 제품설명서")
    invalidate_dictionaries()

    assert understand("케프라 크레아티닌 청소율 30~49mL/min 1회 용량").strengths == []  # a rate, not a strength
    body = search(client_for, "케프라 크레아티닌 청소율 30~49mL/min 1회 용량")

    assert body["answerable"] is True
    assert "250~750mg" in body["answer"] and "500~1,500mg" not in body["answer"]


def test_a_price_row_names_a_strength_but_states_no_dose(client_for):
    make_indexed_document(PRICE_NOTICE, title="2027년 2분기 보험약가 및 공급 안내")
    invalidate_dictionaries()

    body = search(client_for, "가나톤정 복용 방법")

    assert body["answerable"] is False and body["citations"] == []


def test_a_sentence_shares_the_product_and_strength_its_paragraph_names(client_for):
    make_indexed_document(PRICE_NOTICE, title="2027년 2분기 보험약가 및 공급 안내")
    invalidate_dictionaries()

    body = search(client_for, "판토록정 40mg 약가가 인하되면 남은 재고 차액 보상은 언제까지 신청해야 하나요?")

    assert body["answerable"] is True and "4월 30일" in body["answer"]


def test_an_ingredient_in_a_price_tables_column_names_its_product(client_for):
    make_indexed_document(PRICE_NOTICE, title="2027년 2분기 보험약가 및 공급 안내")
    make_indexed_document(DIABEX, title="다이아벡스정 제품 정보")
    invalidate_dictionaries()

    body = search(client_for, "vildagliptin/metformin 50/850mg EDI 코드")

    assert body["answerable"] is True and "660802850" in body["answer"]
    assert cited_titles(body) == {"2027년 2분기 보험약가 및 공급 안내"}


def test_a_latin_lexicon_term_is_a_whole_word():
    assert "보험코드" not in {a.name for a in understand("carvedilol 협심증 최대 용량").attributes}
    assert "보험코드" in {a.name for a in understand("carvedilol 25mg EDI").attributes}


def test_a_final_d_after_n_may_be_silent_in_korean():
    assert hangul_key("아타칸") in latin_keys("Atacand")
    assert hangul_key("아타칸") not in latin_keys("Atarax")


@pytest.mark.parametrize("question, attribute", [
    ("액토스 먹으면 애가 생길 수도 있다던데 진짜야?", "임부"),
    ("실수로 두 알 먹었는데 괜찮아?", "과량 복용"),
    ("이 약 쪼개서 먹어도 돼?", "분할·분쇄"),
    ("분기 중간에 회사 그만두면 인센티브 받을 수 있어?", "퇴사"),
    ("올메텍플러스 오래 먹으면 햇볕 조심해야 돼?", "광과민"),
])
def test_everyday_words_ask_the_attribute_documents_state(question, attribute):
    assert attribute in {a.name for a in understand(question).attributes}


def test_names_with_the_same_consonants_are_told_apart_by_their_vowels():
    abilify = Product(key="a", name="아빌리파이정", forms=("아빌리파이정", "아빌리파이"), brand_forms=("아빌리파이",))
    pelubi = Product(key="p", name="펠루비정", forms=("펠루비정", "펠루비"), brand_forms=("펠루비",))

    assert transliterated("Abilify", [abilify, pelubi]) is abilify
    assert transliterated("Pelubi", [abilify, pelubi]) is pelubi


def test_a_latin_word_spelling_a_product_no_evidence_names_is_a_word_of_the_question():
    make_indexed_document(["제품명 | 성분 | 규격\n포리부틴정 | 트리메부틴말레산염 | 100mg"], title="소화기 제품 약가 안내")
    invalidate_dictionaries()
    assert [p.name for p in understand("신입 영업사원 probation 기간").products] == ["포리부틴정"]  # same consonants
    evidence = [Passage(n=1, title="신입 영업사원 수습 평가 기준", section="2. 수습 기간",
                        text="신입 영업사원의 수습 기간(probation)은 입사일부터 3개월입니다.", dense_score=0.89)]

    answer = compose("신입 영업사원 probation 기간", evidence)

    assert answer.answerable is True and "3개월" in answer.inline()


def test_a_word_asking_for_a_figure_is_answered_by_the_sentence_that_states_one(client_for):
    make_indexed_document(["6. 증빙 제출\n기한까지 증빙을 내지 않은 금액은 다음 달 급여에서 공제한다.\n"
                           "사용한 달의 다음 달 5영업일까지 경비 시스템에 영수증 사진과 사용 목적을 등록한다."],
                          title="법인카드 사용 기준")

    body = search(client_for, "법인카드 증빙 제출 기한")

    assert body["answerable"] is True and "5영업일" in body["answer"]
    assert "급여에서 공제" not in body["answer"]  # the sentence that says "기한" but states no deadline


RIVOTRIL_PDF = ("5. 공황장애 용량 성인은 1회 0.25mg을 1일 2회 복용하는 것으로 시\n작하여 3일 뒤 1일 1mg으로 늘립니다. "
                "효과가 충분하지 않으면 3일마다\n1일 0.25~0.5mg씩 늘리며, 1일 최대 용량은 4mg입니다.\n"
                "6. 뇌전증 용량 성인은 1일 1.5mg으로 시작하며, 1일 최대 용량은 20mg입니다.")


def test_a_pdf_line_broken_after_마다_is_one_sentence_under_its_numbered_heading():
    make_indexed_document(["리보트릴정(클로나제팜)은 벤조디아제핀계 약입니다."], title="리보트릴정 복약 안내")
    invalidate_dictionaries()
    evidence = [Passage(n=1, title="리보트릴정 복약 안내", text=RIVOTRIL_PDF, dense_score=0.88)]

    answer = compose("리보트릴 공황장애 최대 용량", evidence)

    assert answer.answerable is True and "4mg" in answer.inline() and "20mg" not in answer.inline()


def test_a_colour_asked_of_a_strength_is_not_answered_by_its_price_sentence():
    make_indexed_document(["메드롤정(메틸프레드니솔론)은 부신피질호르몬제입니다."], title="메드롤정 제품 정보")
    invalidate_dictionaries()
    evidence = [Passage(n=1, title="메드롤정 제품 정보", dense_score=0.86,
                        text="보험약가는 1정당 4mg 124원, 16mg 387원이며, 모두 30정 블리스터 포장으로 공급합니다.")]

    answer = compose("메드롤정 16mg은 어떤 색깔인가요?", evidence)  # 성상: no passage states it

    assert answer.answerable is False and answer.quotes == []
