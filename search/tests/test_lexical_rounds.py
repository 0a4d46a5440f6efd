"""The lexical leg's MaxScore rounds after issue 14 session 7: rounds filter on the essential words (and codes)
alone, a word with a space counts its rarest lexeme's passages, and the score is computed in one pass; since
session 8 over the side table (search_lexical_passage) too, with the candidates' SQL compiled once (Rows)."""

import pytest

from accounts.tests.factories import UserFactory
from documents.tests.factories import make_indexed_document
from search.backends import postgres
from search.criteria import SearchFilters
from search.lexical import LexicalQuery, analyse
from search.models import LexiconPartition

pytestmark = pytest.mark.django_db


def _corpus():
    for i in range(30):
        make_indexed_document([f"영업 보고 회의 {'자료 ' * (i % 4)}정리 {i}"], title=f"영업 {i}")
    for i in range(4):
        make_indexed_document([f"영업 보고 회의 ATV-10 리피토 처방 문의 {'자료 ' * i}"],
                              title=f"리피토 {i}")
    for i in range(3):
        make_indexed_document([f"보고 회의 ATV-10 노바스크 {'정리 ' * i}"], title=f"노바스크 {i}")


@pytest.mark.parametrize("source", ["candidate_chunks", "lexical_candidates"])  # the chunk table, the side table
@pytest.mark.parametrize("query", ["영업 보고 회의 리피토 처방", "ATV-10 영업 보고 회의 리피토 노바스크"])
def test_rounds_over_the_essential_words_alone_rank_as_rounds_within_the_whole_expression(query, source):
    _corpus()
    user = UserFactory()
    lexical = analyse(query, synonyms=lambda _q: [])
    expression = lexical.tsquery()
    candidates = getattr(postgres, source)(user, SearchFilters())
    matched = candidates.filter(search_vector=postgres.SearchQuery(expression, search_type="raw", config="simple"))
    partitions = LexiconPartition.objects.searched_by(user)
    full = postgres._bm25(lexical, matched, partitions=partitions, limit=100, expression=expression, prune=False)
    assert len(full) >= 7
    for budget in (0, 1, 3, 8, 40):
        for limit in (1, 3, 10):
            within = postgres._bm25(lexical, matched, partitions=partitions, limit=limit, expression=expression,
                                    budget=budget)
            alone = postgres._bm25(lexical, matched, partitions=partitions, limit=limit, expression=expression,
                                   budget=budget, candidates=candidates)
            assert alone == within, (budget, limit)
            compiled = postgres._bm25(lexical, postgres.Rows.of(candidates).matching(expression),
                                      partitions=partitions, limit=limit, expression=expression, budget=budget,
                                      candidates=postgres.Rows.of(candidates))  # as the leg passes them
            assert alone == within == compiled, (budget, limit)
            if budget == 0:  # no budget: MaxScore is exact
                assert [c for c, _s in alone] == [c for c, _s in full[:limit]]
    # Through the leg itself (which passes the candidates), every returned passage matches the whole expression.
    leg = postgres.lexical_leg(user, lexical, SearchFilters(), limit=100, budget=3)
    assert leg and {c for c, _s in leg} <= {c for c, _s in full}


def test_a_word_with_a_space_counts_the_passages_of_its_rarest_lexeme():
    for i in range(5):
        make_indexed_document([f"쇼와 천황 시대 기록 {i}"], title=f"기록 {i}")
    make_indexed_document(["천황 관련 다른 기록"], title="다른 기록")
    make_indexed_document(["맥아더 계획 문서"], title="계획 문서")
    partitions = LexiconPartition.objects.all()

    n, _mean, dfs = postgres.lexicon_statistics([("쇼와 천황",), ("천황",), ("쇼와",), ("맥아더",)],
                                                partitions=partitions)
    assert dfs == [5, 6, 5, 1]

    # So it is no longer taken for the rarest word: with a budget of 2 only the passage with 맥아더 is scored
    # (before, '쇼와 천황' counted 0 passages, was scored first, and all five of its passages came back).
    lexical = LexicalQuery(terms=("맥아더", "쇼와 천황"))
    leg = postgres.lexical_leg(UserFactory(), lexical, SearchFilters(), limit=10, budget=2)
    assert len(leg) == 1
    exact = postgres.lexical_leg(UserFactory(), lexical, SearchFilters(), limit=10, budget=0)
    assert len(exact) == 6 and leg[0] in exact
