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


def test_codes_lots_and_strengths_stay_required():
    assert extract_codes("641601570의 약가와 로트 LT2301A, 트윈스타 40/5mg, 크레아티닌 1.5mg/dL, CYP3A4") == [
        "641601570", "LT2301A", "40/5mg", "1.5mg/dL", "CYP3A4"]


def test_years_dates_and_quantities_are_not_required():
    assert extract_codes("1984년 올림픽과 2023 개정, 2025-03-01 시행, 1950-1953년 전쟁") == []
    assert extract_codes("3km 떨어진 곳에 300명이 모였고 입장료는 10000원, 체중 60kg 이하") == []


def test_short_names_with_a_digit_are_words_not_codes():
    query = analyse("갤럭시 S8 출시 연도", synonyms=no_synonyms)

    assert query.required == ()
    assert {"갤럭시", "s", "8"} <= set(query.terms)
    assert extract_codes("비타민 B12 결핍") == []


def test_synonyms_become_alternative_phrases():
    query = analyse("리피토 보관", synonyms=lambda q: ["atorvastatin calcium", "아토르바스타틴"])

    assert ("아토르바스타틴",) in query.synonyms
    assert "'atorvastatin' <-> 'calcium'" in query.tsquery()


def test_highlight_escapes_html_and_marks_matches():
    fragments = highlight("<b>리피토</b>는 콜레스테롤을 낮춥니다", ["콜레스테롤", "리피토"])

    assert fragments == ["&lt;b&gt;<mark>리피토</mark>&lt;/b&gt;는 <mark>콜레스테롤</mark>을 낮춥니다"]
