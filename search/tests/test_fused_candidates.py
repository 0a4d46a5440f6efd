"""The fused passages' documents and query words (`search.services._candidates`), read from search_lexical_passage
(issue 14, session 9): the same answer as from the chunk table, within the access rule, and a passage without a
tsvector keeps its document."""

import pytest
from django.db.models.expressions import RawSQL

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.models import ApprovalState, DocumentChunk
from documents.tests.factories import document_manager, make_indexed_document
from search.services import _candidates

pytestmark = pytest.mark.django_db

WORDS = ["리피토", "용량", "전략", "없는말"]


def _from_the_chunks(user, ids, words):
    found = RawSQL("ARRAY(SELECT unnest(tsvector_to_array(documents_documentchunk.search_vector)) "
                   "INTERSECT SELECT unnest(%s::text[]))", (words,))
    rows = DocumentChunk.objects.visible_to(user).filter(id__in=ids).annotate(found=found)
    return ({cid: did for cid, did, _f in rows.values_list("id", "document_id", "found")},
            {cid: set(f or ()) for cid, _d, f in rows.values_list("id", "document_id", "found")})


def _corpus():
    cardio, onco = DepartmentFactory(code="CARDIO"), DepartmentFactory(code="ONCO")
    for passages, fields in [
        (["리피토 시작 용량은 10mg입니다.", "리피토 영업 전략"], {"access_level": 1}),
        (["L2 리피토 단가"], {"access_level": 2}),
        (["L3 리피토 임상 용량"], {"access_level": 3}),
        (["순환기 영업 전략: 리피토"], {"access_level": 1, "department": cardio}),
        (["항암 영업 전략: 리피토"], {"access_level": 1, "department": onco}),
        (["리피토 용량 초안"], {"access_level": 1, "approval_state": ApprovalState.DRAFT}),
    ]:
        make_indexed_document(passages, **fields)
    return cardio


def test_candidates_give_each_visible_passage_its_document_and_words_as_the_chunk_table_does():
    cardio = _corpus()
    ids = list(DocumentChunk.objects.values_list("id", flat=True))
    ranked = [(cid, 1.0) for cid in ids]
    users = [UserFactory(access_level=1, department=cardio), UserFactory(access_level=2),
             UserFactory(access_level=3, department=cardio), document_manager(access_level=1), SuperUserFactory()]

    for user in users:
        expected = _from_the_chunks(user, ids, WORDS)

        assert _candidates(user, ranked, WORDS) == expected
        assert _candidates(user, ranked, []) == (expected[0], {})
    l1 = _candidates(users[0], ranked, WORDS)[0]
    assert len(l1) == 3  # the L1 document's two passages and its own department's; nothing hidden


def test_a_passage_without_a_tsvector_keeps_its_document():
    document = make_indexed_document(["리피토 시작 용량", "리피토 영업 전략"], access_level=1)
    first, second = DocumentChunk.objects.filter(document=document).order_by("ordinal")
    DocumentChunk.objects.filter(pk=first.pk).update(search_vector=None)  # its side-table row goes with it

    document_of, terms_of = _candidates(UserFactory(access_level=1), [(first.pk, 1.0), (second.pk, 0.5)], WORDS)

    assert document_of == {first.pk: document.pk, second.pk: document.pk}
    assert terms_of == {second.pk: {"리피토", "전략"}}
