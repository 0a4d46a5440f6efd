"""The fast BM25 lexical leg: trigger-maintained statistics, MaxScore pruning, budget, statement timeout."""

import logging

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from documents.indexing import ChunkDraft, replace_chunks
from documents.models import Document, DocumentChunk
from documents.services import document_delete
from documents.tests.factories import make_indexed_document
from search.backends import postgres
from search.criteria import SearchFilters
from search.lexical import analyse
from search.models import LexiconPartition, LexiconTerm, LexiconTotals
from search.services import retrieve, search_chunks

pytestmark = pytest.mark.django_db


def test_document_frequency_follows_indexing_and_deletion(django_capture_on_commit_callbacks):
    unit = ("아토르바스타틴",)
    first = make_indexed_document(["아토르바스타틴은 스타틴 계열입니다."], title="첫 문서")
    assert postgres.lexicon_statistics([unit], partitions=LexiconPartition.objects.all())[2] == [1]

    make_indexed_document(["아토르바스타틴 10mg 정제의 보관 방법"], title="둘째 문서")
    assert postgres.lexicon_statistics([unit], partitions=LexiconPartition.objects.all())[2] == [2]

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=first)
    assert postgres.lexicon_statistics([unit], partitions=LexiconPartition.objects.all())[2] == [1]


def _common_and_rare_passages():
    # Many passages share the common words; few contain the rare one: pruning scores only a part of them.
    for i in range(40):
        make_indexed_document([f"영업 보고 회의 {'자료 ' * (i % 5)}정리 {i}"], title=f"영업 {i}")
    for i in range(3):
        make_indexed_document([f"영업 보고 회의에서 리피토 처방 문의 {i}"], title=f"리피토 {i}")
    lexical = analyse("영업 보고 회의 리피토 처방", synonyms=lambda _q: [])
    expression = lexical.tsquery()
    matched = postgres.candidate_chunks(UserFactory(), SearchFilters()).filter(
        search_vector=postgres.SearchQuery(expression, search_type="raw", config="simple"))
    return lexical, expression, matched


def test_pruned_bm25_returns_the_same_ranking_as_scoring_every_match():
    lexical, expression, matched = _common_and_rare_passages()

    for limit in (2, 5, 20):
        pruned = postgres._bm25(lexical, matched, limit=limit, expression=expression, budget=0,
                                partitions=LexiconPartition.objects.all())
        full = postgres._bm25(lexical, matched, limit=limit, expression=expression, prune=False,
                              partitions=LexiconPartition.objects.all())
        assert [cid for cid, _s in pruned] == [cid for cid, _s in full]
        assert [round(s, 9) for _c, s in pruned] == [round(s, 9) for _c, s in full]
    top = Document.objects.get(chunks__id=pruned[0][0])
    assert top.title.startswith("리피토")


def test_lexical_budget_scores_the_rare_words_passages_and_keeps_their_order(settings):
    lexical, expression, matched = _common_and_rare_passages()
    full = postgres._bm25(lexical, matched, limit=50, expression=expression, prune=False,
                          partitions=LexiconPartition.objects.all())
    user = UserFactory()

    settings.SEARCH_LEXICAL_BUDGET = 3  # only the rarest word (리피토, in 3 passages) fits
    budgeted = postgres.lexical_leg(user, lexical, SearchFilters(), limit=50)
    settings.SEARCH_LEXICAL_BUDGET = 0
    exact = postgres.lexical_leg(user, lexical, SearchFilters(), limit=50)

    assert len(full) == 43 and exact == full
    assert {Document.objects.get(chunks__id=cid).title for cid, _s in budgeted} == {"리피토 0", "리피토 1", "리피토 2"}
    assert budgeted == full[:3]


def test_invisible_passages_are_never_scored_by_the_lexical_leg():
    make_indexed_document(["콜레스테롤 약 비공개 단가 인하 계획"], title="L3 단가", access_level=3)
    make_indexed_document(["콜레스테롤 약 공개 제품 설명"], title="공개", access_level=1)

    retrieval = retrieve(user=UserFactory(access_level=1), query="콜레스테롤 단가 계획")

    titles = set(Document.objects.filter(chunks__id__in=[cid for cid, _s in retrieval.lexical])
                 .values_list("title", flat=True))
    assert titles == {"공개"}


def test_lexical_timeout_falls_back_to_the_dense_leg(settings, monkeypatch, caplog):
    make_indexed_document(["리피토는 LDL 콜레스테롤을 낮추는 스타틴입니다."], title="리피토")
    settings.SEARCH_LEXICAL_TIMEOUT_MS = 50

    def slow_score(*args, **kwargs):
        with connection.cursor() as cursor:  # a real statement that outlives the timeout on the real server
            cursor.execute("SELECT pg_sleep(2)")
        return []

    monkeypatch.setattr(postgres, "_score", slow_score)
    with caplog.at_level(logging.WARNING, logger="search.services"):
        hits = search_chunks(user=UserFactory(), query="콜레스테롤 낮추는 리피토")

    assert [hit.document_title for hit in hits] == ["리피토"]
    assert hits[0].lexical_score is None and hits[0].dense_score is not None
    assert "Lexical leg timed out" in caplog.text
    with connection.cursor() as cursor:  # the timeout does not leak into later statements
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def _recount():
    with connection.cursor() as cursor:
        cursor.execute("SELECT u.lexeme, count(*) FROM documents_documentchunk c, unnest(c.search_vector) AS u "
                       "WHERE c.search_vector IS NOT NULL GROUP BY u.lexeme")
        terms = dict(cursor.fetchall())
        cursor.execute("SELECT count(*), coalesce(sum(length(search_vector)), 0) FROM documents_documentchunk "
                       "WHERE search_vector IS NOT NULL")
        return terms, tuple(cursor.fetchone())


def _lexicon():
    terms = {t: n for t, n in LexiconTerm.objects.values_list("term", "passages") if n}
    totals = LexiconTotals.objects.values_list("passages", "lexemes").first() or (0, 0)
    return terms, tuple(totals)


def test_lexicon_statistics_equal_a_recount_after_indexing_reindexing_editing_and_deleting(
        django_capture_on_commit_callbacks):
    # The title is indexed with every passage (issue 15), so it names none of the words checked below.
    first = make_indexed_document(["리피토 복약 안내", "아토르바스타틴 10mg 보관 방법"], title="제품 자료")
    second = make_indexed_document(["메트포르민 신장 기능 확인"], title="메트포르민")
    assert _lexicon() == _recount() and _recount()[1][0] == 3

    replace_chunks(first, [ChunkDraft(text="크레스토 로수바스타틴 용량", page=1)])  # reindexed with new text
    DocumentChunk.objects.filter(document=second).update(page=7)  # an edit that leaves the words alone
    assert _lexicon() == _recount()
    assert dict(_lexicon()[0]).get("리피토") is None and _lexicon()[0]["크레스토"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=second)
    assert _lexicon() == _recount() and _lexicon()[1][0] == 1

    n, mean_length, dfs = postgres.lexicon_statistics([("크레스토",), ("없는낱말",), ("크레스토", "용량")],
                                                     partitions=LexiconPartition.objects.all())
    assert (n, dfs) == (1, [1, 0, 1]) and mean_length == _recount()[1][1]
