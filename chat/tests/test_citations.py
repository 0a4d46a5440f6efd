from chat.citations import CitationFilter, check_citations


def test_citations_to_sources_that_were_not_given_are_removed_and_counted():
    text, removed, cited = check_citations("용량은 10mg입니다 [1]. 최대 80mg입니다 [7]. 함께 [2, 9] 참고.", range(1, 3))

    assert text == "용량은 10mg입니다 [1]. 최대 80mg입니다 . 함께 [2] 참고."
    assert removed == 2
    assert cited == [1, 2]


def test_a_marker_split_across_stream_pieces_is_checked_before_it_is_sent():
    citation_filter = CitationFilter({1, 2})

    sent = [citation_filter.feed(piece) for piece in ["답입니다 [", "1", "][", "3] 끝 [2"]]
    sent.append(citation_filter.finish())

    assert "".join(sent) == "답입니다 [1] 끝 [2"
    assert all("[3" not in piece for piece in sent)
    assert citation_filter.removed == 1 and citation_filter.cited == [1]


def test_brackets_that_are_not_citations_pass_through():
    text, removed, _cited = check_citations("용량 [mg] 표기와 [참고] 문구", {1})

    assert text == "용량 [mg] 표기와 [참고] 문구"
    assert removed == 0
