"""BM25 statistics per visibility partition: scores and ranks reveal nothing about documents a caller cannot see
(issue 10, "Scores reveal words of documents you cannot see"), and the trigger-kept partitions stay exact."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from core.capabilities import is_document_manager
from documents.indexing import ChunkDraft, replace_chunks
from documents.models import ApprovalState, Document, DocumentChunk, ProcessingStatus
from documents.services import document_delete
from documents.tests.factories import document_manager, make_indexed_document
from search.backends import postgres
from search.models import LexiconPartition

pytestmark = pytest.mark.django_db

PROBE_QUERY = "분기 영업 회의 자료 리피토 노바스크"


def _probe_uploads(department):
    # The outside probe: two one-line documents differing in one word, 리피토 vs 노바스크.
    make_indexed_document(["분기 영업 회의 자료 리피토 정리"], title="A", department=department)
    make_indexed_document(["분기 영업 회의 자료 노바스크 정리"], title="B", department=department)


def _scores(client, query=PROBE_QUERY):
    response = client.post("/api/search/", {"query": query, "top_k": 10}, format="json")
    assert response.status_code == 200, response.content
    return [(r["document_title"], r["score"], r["lexical_score"], r["dense_score"]) for r in response.json()["results"]]


HIDDEN_KINDS = {
    "L3": dict(access_level=3),
    "other department": dict(department="other"),
    "draft": dict(approval_state=ApprovalState.DRAFT),
    "expired": dict(valid_until="past"),
    "not processed": dict(status=ProcessingStatus.FAILED),
}


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_scores_and_ranks_are_the_same_whether_or_not_a_hidden_document_shares_a_word(client_for, kind):
    department = DepartmentFactory()
    rep = UserFactory(access_level=1, department=department)
    _probe_uploads(department)
    client = client_for(rep)
    queries = [PROBE_QUERY, "분기 영업 회의 자료 리피토", "분기 영업 회의 자료 노바스크"]
    before = [_scores(client, query) for query in queries]
    assert sorted(title for title, *_ in before[0]) == ["A", "B"]

    fields = dict(HIDDEN_KINDS[kind])
    if fields.get("department") == "other":
        fields["department"] = DepartmentFactory()
    if fields.get("valid_until") == "past":
        fields["valid_until"] = timezone.now() - timedelta(days=2)
    for i in range(3):
        make_indexed_document([f"리피토 비공개 단가 자료 {i}"], title=f"숨김 {i}", **fields)
    after = [_scores(client, query) for query in queries]

    assert after == before


def test_a_user_who_sees_the_hidden_documents_gets_scores_that_count_them(client_for):
    """The probe above can fail: for someone who may see them, the same documents change the word's weight.
    Each upload is searched with its own word; the one whose word the hidden documents share scores lower."""
    department = DepartmentFactory()
    _probe_uploads(department)
    client = client_for(SuperUserFactory())

    def own_word_scores():
        a = {title: lexical for title, _s, lexical, _d in _scores(client, "분기 영업 회의 자료 리피토")}["A"]
        b = {title: lexical for title, _s, lexical, _d in _scores(client, "분기 영업 회의 자료 노바스크")}["B"]
        return a, b

    a_before, b_before = own_word_scores()
    for i in range(3):
        make_indexed_document([f"리피토 비공개 단가 자료 {i}"], title=f"숨김 {i}", access_level=3)
    a_after, b_after = own_word_scores()

    assert a_before == b_before
    assert a_after < b_after


def _recount(user, include_drafts=False):
    """The statistics over what `user` may search, counted from the chunks themselves."""
    visible = DocumentChunk.objects.filter(
        document__in=Document.objects.visible_to(user).searchable(include_drafts=include_drafts),
        search_vector__isnull=False)
    sql, params = visible.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT u.lexeme, count(*) FROM documents_documentchunk c, unnest(c.search_vector) AS u "
                       f"WHERE c.id IN ({sql}) GROUP BY u.lexeme", params)
        terms = dict(cursor.fetchall())
        cursor.execute(f"SELECT count(*), coalesce(sum(length(search_vector)), 0) FROM documents_documentchunk "
                       f"WHERE id IN ({sql})", params)
        passages, lexemes = cursor.fetchone()
    return passages, (lexemes / passages if passages else 1.0), terms


def _statistics(user, words, include_drafts=False):
    partitions = LexiconPartition.objects.searched_by(user, include_drafts=include_drafts)
    n, mean_length, dfs = postgres.lexicon_statistics([(w,) for w in words], partitions=partitions)
    return n, mean_length, {w: df for w, df in zip(words, dfs) if df}


def _assert_partitions_match_recount(users):
    words = sorted({w for user in users for w in _recount(user, include_drafts=True)[2]} | {"없는낱말"})
    for user in users:
        assert _statistics(user, words) == _recount(user), user
        if is_document_manager(user):
            assert _statistics(user, words, include_drafts=True) == _recount(user, include_drafts=True), user


def test_partition_statistics_equal_a_recount_for_every_user_after_indexing_editing_access_changes_and_deletion(
        django_capture_on_commit_callbacks):
    cardio, onco = DepartmentFactory(), DepartmentFactory()
    users = [UserFactory(access_level=level, department=dept) for level in (1, 2, 3) for dept in (cardio, onco)]
    users += [UserFactory(access_level=3, department=None), SuperUserFactory(),
              document_manager(access_level=1, department=cardio)]
    public = make_indexed_document(["리피토 복약 안내", "아토르바스타틴 10mg 보관 방법"], title="공개")
    cardio_l2 = make_indexed_document(["리피토 처방 현황 심혈관"], title="심혈관 L2", access_level=2, department=cardio)
    onco_l3 = make_indexed_document(["키트루다 단가 협상 리피토"], title="항암 L3", access_level=3, department=onco)
    draft = make_indexed_document(["크레스토 초안 자료"], title="초안", approval_state=ApprovalState.DRAFT)
    make_indexed_document(["노바스크 검토 대기"], title="검토 대기", approval_state=ApprovalState.PENDING)
    _assert_partitions_match_recount(users)

    replace_chunks(public, [ChunkDraft(text="크레스토 로수바스타틴 용량", page=1)])  # re-indexed
    DocumentChunk.objects.filter(document=cardio_l2).update(page=7)  # an edit that leaves the words alone
    _assert_partitions_match_recount(users)

    Document.objects.filter(pk=cardio_l2.pk).update(access_level=3, department=onco)  # access changed
    Document.objects.filter(pk=onco_l3.pk).update(department=None, access_level=1)
    Document.objects.filter(pk=draft.pk).update(approval_state=ApprovalState.APPROVED)  # approved
    _assert_partitions_match_recount(users)

    Document.objects.filter(pk=public.pk).update(valid_until=timezone.now() - timedelta(hours=1))  # expired
    Document.objects.filter(pk=draft.pk).update(status=ProcessingStatus.PROCESSING)  # being re-processed
    _assert_partitions_match_recount(users)

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=onco_l3)
    Document.objects.filter(pk=cardio_l2.pk).delete()  # a queryset delete, chunks first (Django's collector)
    _assert_partitions_match_recount(users)


def test_a_document_deleted_before_its_chunks_leaves_no_statistics_behind():
    document = make_indexed_document(["리피토 복약 안내"], title="공개")
    with connection.cursor() as cursor:  # the foreign key is checked at commit: the document can go first
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM documents_document WHERE id = %s", [document.pk])
        cursor.execute("DELETE FROM documents_documentchunk WHERE document_id = %s", [document.pk])

    assert _statistics(SuperUserFactory(), ["리피토"]) == (0, 1.0, {})
