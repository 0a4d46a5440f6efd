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
