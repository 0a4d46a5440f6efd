"""search_lexical_passage, the lexical leg's narrow table (issue 14, session 8): the triggers keep it a copy of the
indexed chunks with their document's access columns through every service that writes them, the access rule on
its columns picks exactly the passages visible_to picks, and the leg over it ranks and scores as over the chunks."""

import threading
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.choices import DocumentType
from documents.indexing import ChunkDraft, replace_chunks
from documents.models import ApprovalState, Document, DocumentChunk, ProcessingStatus
from documents.services import document_delete
from documents.tests.factories import DocumentFactory, document_manager, make_indexed_document
from search.backends import postgres
from search.criteria import SearchFilters
from search.lexical import analyse
from search.models import LexicalPassage, LexiconPartition

pytestmark = pytest.mark.django_db

COLUMNS = ["id", "document_id", "access_level", "department_id", "approval_state", "status", "valid_until",
           "uploaded_by_id", "search_vector"]


def _side_table():
    return set(LexicalPassage.objects.values_list(*COLUMNS))


def _from_the_chunks():
    """What the table must hold: every chunk with a tsvector, with its document's columns as they are now."""
    return set(DocumentChunk.objects.filter(search_vector__isnull=False).values_list(
        "id", "document_id", "document__access_level", "document__department_id", "document__approval_state",
        "document__status", "document__valid_until", "document__uploaded_by_id", "search_vector"))


def _assert_in_step():
    expected = _from_the_chunks()
    assert _side_table() == expected
    return expected


def _admin_change(client, document, **changes):
    """Save the admin's change form of `document` with `changes`, the rest as the page shows it."""
    url = reverse("admin:documents_document_change", args=[document.pk])
    page = client.get(url)
    data = {}
    for name, value in page.context["adminform"].form.initial.items():
        if value is None or name == "file":
            continue
        data[name] = [v.pk for v in value] if isinstance(value, list) else value
    data["metadata"] = "{}"
    data["department"] = document.department_id or ""
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
        for form in formset.formset.forms:
            data.update({f"{form.prefix}-{key}": ("" if value is None else value)
                         for key, value in form.initial.items() if not isinstance(value, list)})
            data[f"{form.prefix}-id"] = form.instance.pk
            data[f"{form.prefix}-document"] = document.pk
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_side_table_follows_uploads_reviews_edits_reprocessing_admin_saves_and_deletes(
        client, client_for, django_capture_on_commit_callbacks):
    cardio, onco = DepartmentFactory(), DepartmentFactory()
    rep = UserFactory(access_level=1, department=cardio)
    librarian = document_manager(access_level=3, department=None)
    # An upload through the API runs the pipeline (extract, split, embed, index) after commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(rep).post("/api/documents/", {
            "file": SimpleUploadedFile("리피토 안내.txt", "리피토정 복약 안내 자료입니다.\n\n보관 방법과 용량 정리.".encode()),
            "approval_state": "approved"}, format="multipart")
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.READY and document.approval_state == ApprovalState.PENDING
    assert {row[2:] for row in _assert_in_step()} and all(row[7] == rep.pk for row in _side_table())

    manager = client_for(librarian)
    with django_capture_on_commit_callbacks(execute=True):  # reviewed: approved
        assert manager.post(f"/api/documents/{document.pk}/review/", {"decision": "approve"},
                            format="json").status_code == 200
    assert {row[4] for row in _assert_in_step()} == {ApprovalState.APPROVED}

    with django_capture_on_commit_callbacks(execute=True):  # level, department, expiry and title edited
        response = manager.patch(f"/api/documents/{document.pk}/", {
            "access_level": 2, "department": onco.code, "title": "노바스크 안내",
            "valid_until": (timezone.now() + timedelta(days=30)).isoformat()}, format="json")
    assert response.status_code == 200, response.content
    rows = _assert_in_step()
    assert {(row[2], row[3]) for row in rows} == {(2, onco.pk)} and all(row[6] for row in rows)

    with django_capture_on_commit_callbacks(execute=True):  # re-processed: status moves, chunks replaced
        assert manager.post(f"/api/documents/{document.pk}/reprocess/").status_code == 202
    assert {row[5] for row in _assert_in_step()} == {ProcessingStatus.READY}

    client.force_login(SuperUserFactory())
    _admin_change(client, Document.objects.get(pk=document.pk), access_level=3)  # the admin's change form
    assert {row[2] for row in _assert_in_step()} == {3}
    client.post("/admin/documents/document/", {"action": "expire_documents", ACTION_CHECKBOX_NAME: [document.pk]})
    assert {row[4] for row in _assert_in_step()} == {ApprovalState.EXPIRED}

    rep.delete()  # the uploader's account removed: uploaded_by set to NULL
    assert {row[7] for row in _assert_in_step()} == {None}

    other = make_indexed_document(["크레스토 보관 방법"], title="크레스토")
    replace_chunks(other, [ChunkDraft(text="크레스토 로수바스타틴 용량", page=1), ChunkDraft(text="두 번째", page=2)])
    DocumentChunk.objects.filter(document=other).update(page=9)  # an edit that leaves the words alone
    _assert_in_step()
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)
    assert {row[1] for row in _assert_in_step()} == {other.pk}
    Document.objects.filter(pk=other.pk).delete()  # a queryset delete
    assert _assert_in_step() == set()


def test_a_document_deleted_before_its_chunks_takes_its_passages_out_at_once():
    document = make_indexed_document(["리피토 복약 안내"], title="공개")
    kept = make_indexed_document(["노바스크 복약 안내"], title="남는 문서")
    with connection.cursor() as cursor:  # the foreign key is checked at commit: the document can go first
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM documents_document WHERE id = %s", [document.pk])
        assert {row[1] for row in _side_table()} == {kept.pk}
        cursor.execute("DELETE FROM documents_documentchunk WHERE document_id = %s", [document.pk])
    assert _assert_in_step() and {row[1] for row in _side_table()} == {kept.pk}


def _world():
    cardio, onco = DepartmentFactory(), DepartmentFactory()
    uploader = UserFactory(access_level=1, department=cardio)
    users = [UserFactory(access_level=level, department=dept) for level in (1, 2, 3) for dept in (cardio, onco)]
    users += [UserFactory(access_level=3, department=None), SuperUserFactory(), uploader,
              document_manager(access_level=1, department=cardio)]
    past, future = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=3)
    kinds = [dict(), dict(access_level=2), dict(access_level=3), dict(department=cardio),
             dict(department=onco, access_level=2), dict(approval_state=ApprovalState.DRAFT),
             dict(approval_state=ApprovalState.PENDING), dict(approval_state=ApprovalState.RETURNED),
             dict(valid_until=past), dict(valid_until=future), dict(status=ProcessingStatus.FAILED),
             dict(access_level=3, uploaded_by=uploader, approval_state=ApprovalState.DRAFT),
             dict(access_level=3, department=onco, uploaded_by=uploader),
             dict(document_type=DocumentType.PDF, metadata={"product": "리피토"})]
    for i, fields in enumerate(kinds):
        make_indexed_document([f"리피토 복약 안내 보관 {'용량 ' * (i % 3)}{i}", f"영업 회의 자료 {i}"], title=f"문서 {i}",
                              **fields)
    return users, cardio


FILTERS = [SearchFilters(), SearchFilters(include_drafts=True), SearchFilters(document_types=("pdf",)),
           SearchFilters(metadata={"product": "리피토"})]


def test_the_access_rule_on_the_side_table_picks_the_passages_visible_to_picks():
    users, cardio = _world()
    for user in users:
        for filters in FILTERS + [SearchFilters(departments=(cardio.code,))]:
            expected = set(postgres.candidate_chunks(user, filters).filter(search_vector__isnull=False)
                           .values_list("id", flat=True))
            assert set(postgres.lexical_candidates(user, filters).values_list("id", flat=True)) == expected, (
                user, filters)


@pytest.mark.parametrize("budget", [0, 3, 2000])
def test_the_leg_over_the_side_table_ranks_and_scores_as_over_the_chunks(monkeypatch, budget):
    users, _cardio = _world()
    over_side = postgres.lexical_leg
    for query in ["리피토 보관 용량", "리피토 복약 영업 회의 자료", "용량 7"]:
        lexical = analyse(query, synonyms=lambda _q: [])
        for user in users:
            for filters in FILTERS:
                side = over_side(user, lexical, filters, limit=10, budget=budget)
                with monkeypatch.context() as patched:
                    patched.setattr(postgres, "lexical_candidates", postgres.candidate_chunks)
                    chunks = postgres.lexical_leg(user, lexical, filters, limit=10, budget=budget)
                assert side == chunks, (query, user, filters)


def test_an_l1_user_scan_of_the_side_table_reads_only_the_postings_of_their_level():
    """The per-level partial index (and the uploader index for own uploads) serves an L1 user's scan, so the
    hidden two thirds are not fetched; the rows are the same either way. On a table this small the planner may
    prefer the all-levels index by cost, so that one is dropped inside the test's transaction: what is asserted is
    that the partial indexes' predicates hold for the query, not a cost estimate."""
    user = UserFactory(access_level=1)
    for i in range(60):
        make_indexed_document([f"리피토 복약 안내 {i}"], title=f"문서 {i}", access_level=1 + i % 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_lexical_passage")
    rows = postgres.Rows.of(postgres.lexical_candidates(user, SearchFilters())).matching("'리피토'")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: the planner would read all of it
        cursor.execute("DROP INDEX idx_lexical_passage_vector")  # rolled back with the test
        cursor.execute(f"EXPLAIN {rows.sql}", rows.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(rows.sql, rows.params)
        ids = {row[0] for row in cursor.fetchall()}
    assert "idx_lexical_passage_l1" in plan and "idx_lexical_passage_uploader" in plan, plan
    assert ids == set(postgres.candidate_chunks(user, SearchFilters()).values_list("id", flat=True)) and len(ids) == 20


def test_hidden_documents_in_the_side_table_change_no_score_rank_or_count_of_an_l1_user():
    department = DepartmentFactory()
    rep = UserFactory(access_level=1, department=department)
    make_indexed_document(["분기 영업 회의 자료 리피토 정리"], title="A", department=department)
    make_indexed_document(["분기 영업 회의 자료 노바스크 정리"], title="B")
    queries = [analyse(q, synonyms=lambda _q: []) for q in ("분기 영업 회의 자료 리피토 노바스크", "리피토 정리")]

    def legs():
        return [postgres.lexical_leg(rep, q, SearchFilters(), limit=10, budget=budget)
                for q in queries for budget in (0, 1, 2000)]

    before = legs()
    for fields in (dict(access_level=3), dict(department=DepartmentFactory()),
                   dict(approval_state=ApprovalState.DRAFT), dict(valid_until=timezone.now() - timedelta(days=1)),
                   dict(status=ProcessingStatus.FAILED)):
        for i in range(3):
            make_indexed_document([f"리피토 리피토 정리 회의 {i}"], title=f"숨김 {i}", **fields)
    assert LexicalPassage.objects.count() == 2 + 15  # the hidden passages are in the table
    assert legs() == before
    assert LexiconPartition.objects.searched_by(rep).count() >= 1


def test_a_user_who_may_see_nothing_gets_no_passages_and_empty_statistics():
    make_indexed_document(["리피토 복약 안내"], title="공개")
    inactive = UserFactory(is_active=False)
    lexical = analyse("리피토 복약", synonyms=lambda _q: [])

    assert postgres.lexical_leg(inactive, lexical, SearchFilters(), limit=10) == []
    assert postgres.lexicon_statistics([("리피토",)], partitions=LexiconPartition.objects.searched_by(inactive)) == (
        0, 1.0, [0])
    assert postgres.lexical_leg(UserFactory(), lexical, SearchFilters(), limit=10)


def test_every_round_of_the_leg_runs_under_its_timeout_and_the_timeout_stays_its_own(monkeypatch):
    for i in range(12):
        make_indexed_document([f"영업 보고 회의 {'자료 ' * (i % 4)}정리 {i}", f"리피토 처방 {i}"], title=f"영업 {i}")
    lexical = analyse("영업 보고 회의 리피토 처방 자료", synonyms=lambda _q: [])
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '5s'")
    seen, scored = [], postgres._score

    def score(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])
        return scored(*args, **kwargs)

    monkeypatch.setattr(postgres, "_score", score)
    assert postgres.lexical_leg(UserFactory(), lexical, SearchFilters(), limit=3, budget=0, timeout_ms=300)
    rounds = len(seen)
    assert postgres.lexical_leg(UserFactory(), lexical, SearchFilters(), limit=3, budget=0, timeout_ms=0)

    assert rounds >= 2 and seen == ["300ms"] * rounds + ["5s"] * rounds, seen
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrations' rows come back after
def test_a_level_changed_while_the_passages_are_being_indexed_reaches_them():
    """Two transactions: one indexes a document's passages, the other raises the document's level meanwhile. Each
    trigger would miss the other's uncommitted rows; the advisory lock makes the second wait and then see them."""
    document = DocumentFactory(access_level=1)
    raised = threading.Thread(target=_raise_level, args=(document.pk,))
    with transaction.atomic():
        replace_chunks(document, [ChunkDraft(text="리피토 복약 안내", page=1)])  # passages copied at level 1
        raised.start()
        raised.join(0.5)
        assert raised.is_alive()  # the level change waits for the indexing transaction
    raised.join(10)

    assert not raised.is_alive()
    assert set(LexicalPassage.objects.filter(document=document).values_list("access_level", flat=True)) == {3}
    assert _assert_in_step()


def _raise_level(document_id):
    try:
        Document.objects.filter(pk=document_id).update(access_level=3)
    finally:
        connections.close_all()  # this thread's own connection
