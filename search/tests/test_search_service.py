import pytest

from accounts.tests.factories import UserFactory
from documents.tests.factories import make_indexed_document
from search.services import search_chunks

pytestmark = pytest.mark.django_db


def test_korean_question_finds_the_passage_that_answers_it():
    make_indexed_document(["리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴 계열 약물입니다.",
                           "통상 시작 용량은 1일 1회 10mg입니다."], title="리피토 제품 정보")
    make_indexed_document(["당뇨병 환자의 혈당 조절에는 메트포르민이 1차 약제로 쓰입니다."], title="당뇨 가이드")

    hits = search_chunks(user=UserFactory(), query="콜레스테롤 낮추는 약", top_k=3)

    assert hits[0].document_title == "리피토 제품 정보"
    assert "콜레스테롤" in hits[0].text
    assert hits[0].lexical_score is not None and hits[0].dense_score is not None


def test_l1_user_never_gets_passages_of_l2_documents():
    make_indexed_document(["비공개 단가표: 리피토 공급가 인하 계획"], title="L2 단가표", access_level=2)
    make_indexed_document(["리피토 일반 제품 설명"], title="공개 설명서", access_level=1)

    l1_titles = {hit.document_title for hit in search_chunks(user=UserFactory(access_level=1), query="리피토 단가")}
    l2_titles = {hit.document_title for hit in search_chunks(user=UserFactory(access_level=2), query="리피토 단가")}

    assert l1_titles == {"공개 설명서"}
    assert l2_titles == {"공개 설명서", "L2 단가표"}
