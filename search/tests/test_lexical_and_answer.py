from types import SimpleNamespace

from search.answer import compose_extractive_answer
from search.highlight import highlight
from search.lexical import analyse, extract_codes


def no_synonyms(_query):
    return []


def test_question_words_are_not_searched_but_content_words_are():
    query = analyse("리피토의 시작 용량은 무엇인가?", synonyms=no_synonyms)

    assert "무엇" not in query.terms
    assert {"리피토", "시작", "용량"} <= set(query.terms)


def test_codes_and_numbers_with_units_are_required_phrases():
    assert extract_codes("ATV-10 제품과 641900010 보험코드, 10mg 용량, 3회") == ["ATV-10", "641900010", "10mg"]
    query = analyse("ATV-10 용량", synonyms=no_synonyms)

    assert query.required == (("atv", "10"),)
    assert query.tsquery().endswith("& ('atv' <-> '10')")


def test_synonyms_become_alternative_phrases():
    query = analyse("리피토 보관", synonyms=lambda q: ["atorvastatin calcium", "아토르바스타틴"])

    assert ("아토르바스타틴",) in query.synonyms
    assert "'atorvastatin' <-> 'calcium'" in query.tsquery()


def test_highlight_escapes_html_and_marks_matches():
    fragments = highlight("<b>리피토</b>는 콜레스테롤을 낮춥니다", ["콜레스테롤", "리피토"])

    assert fragments == ["&lt;b&gt;<mark>리피토</mark>&lt;/b&gt;는 <mark>콜레스테롤</mark>을 낮춥니다"]


def test_extractive_answer_cites_only_returned_results_by_position():
    hits = [SimpleNamespace(text="메트포르민은 혈당을 낮춥니다. 신장 기능을 확인해야 합니다."),
            SimpleNamespace(text="리피토의 시작 용량은 1일 1회 10mg입니다. 식사와 관계없이 복용합니다.")]

    text, cited = compose_extractive_answer("리피토 시작 용량", hits)

    assert "리피토의 시작 용량은 1일 1회 10mg입니다. [2]" in text
    assert cited == [2]
    assert "[3]" not in text


def test_extractive_answer_without_hits_says_so_and_cites_nothing():
    text, cited = compose_extractive_answer("리피토", [])

    assert cited == [] and "검색 결과가 없습니다" in text


def test_extractive_answer_splits_passages_on_punctuation_and_line_breaks():
    hits = [SimpleNamespace(text="보관 방법\n리피토는 실온에서 보관하십시오! 습기를 피하십시오? 개봉 후 30일 이내 복용")]

    text, cited = compose_extractive_answer("리피토 보관", hits, max_sentences=1)

    assert text == "리피토는 실온에서 보관하십시오! [1]" and cited == [1]


def test_extractive_answer_prefers_sentences_to_headings_and_table_rows():
    hits = [SimpleNamespace(text="## 리피토 용법\n리피토 | 시작 용량 | 최대 용량\n리피토의 시작 용량은 1일 1회 10mg입니다.")]

    text, _cited = compose_extractive_answer("리피토 용량", hits)

    assert text == "리피토의 시작 용량은 1일 1회 10mg입니다. [1]"
