from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.models import ApprovalState, Document
from documents.tests.factories import make_indexed_document
from search.criteria import InvalidSearch
from search.fusion import FusionConfig
from search.services import retrieve, search_chunks
from search.tests.factories import make_synonyms

pytestmark = pytest.mark.django_db


def test_korean_question_finds_the_passage_that_answers_it():
    make_indexed_document(["리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴 계열 약물입니다.",
                           "통상 시작 용량은 1일 1회 10mg입니다."], title="리피토 제품 정보")
    make_indexed_document(["당뇨병 환자의 혈당 조절에는 메트포르민이 1차 약제로 쓰입니다."], title="당뇨 가이드")

    hits = search_chunks(user=UserFactory(), query="콜레스테롤 낮추는 약", top_k=3)

    assert hits[0].document_title == "리피토 제품 정보"
    assert "콜레스테롤" in hits[0].text
    assert hits[0].lexical_score is not None and hits[0].dense_score is not None
    assert any("<mark>콜레스테롤</mark>" in fragment for fragment in hits[0].highlights)


def test_l1_user_never_gets_passages_of_l2_documents():
    make_indexed_document(["비공개 단가표: 리피토 공급가 인하 계획"], title="L2 단가표", access_level=2)
    make_indexed_document(["리피토 일반 제품 설명"], title="공개 설명서", access_level=1)

    l1_titles = {hit.document_title for hit in search_chunks(user=UserFactory(access_level=1), query="리피토 단가")}
    l2_titles = {hit.document_title for hit in search_chunks(user=UserFactory(access_level=2), query="리피토 단가")}

    assert l1_titles == {"공개 설명서"}
    assert l2_titles == {"공개 설명서", "L2 단가표"}


def test_both_legs_exclude_other_departments_documents():
    cardio, onco = DepartmentFactory(code="CARDIO"), DepartmentFactory(code="ONCO")
    make_indexed_document(["항암 영업 전략: 리피토 병용 처방 사례"], title="항암부 전략", department=onco)
    make_indexed_document(["순환기 영업 전략: 리피토 처방 확대"], title="순환기부 전략", department=cardio)

    retrieval = retrieve(user=UserFactory(department=cardio), query="리피토 영업 전략")

    returned = Document.objects.filter(chunks__id__in=[cid for cid, _ in retrieval.dense + retrieval.lexical])
    assert set(returned.values_list("title", flat=True)) == {"순환기부 전략"}


def test_selective_filter_still_fills_the_result_list_with_iterative_scan():
    for i in range(30):
        make_indexed_document([f"일반 제품 안내 {i}: 콜레스테롤 관리 요령"], title=f"일반 {i}")
    target = make_indexed_document(["콜레스테롤 관리 제품 설명서"], title="대상", metadata={"product_code": "ATV10"})

    hits = search_chunks(user=UserFactory(), query="콜레스테롤", filters={"metadata": {"product_code": "ATV10"}})

    assert [hit.document_id for hit in hits] == [target.id]


def test_document_type_department_and_created_range_filters():
    dept = DepartmentFactory(code="MEDICAL")
    old = make_indexed_document(["스타틴 부작용 정리"], title="오래된 PDF", document_type="PDF")
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    make_indexed_document(["스타틴 부작용 정리 최신"], title="최신 PDF", document_type="PDF")
    make_indexed_document(["스타틴 부작용 정리 메모"], title="메모 TXT", document_type="TXT")
    make_indexed_document(["스타틴 부작용 메디컬 검토"], title="메디컬 PDF", document_type="PDF", department=dept)
    superuser = SuperUserFactory()

    def titles(filters):
        return {hit.document_title for hit in search_chunks(user=superuser, query="스타틴 부작용", filters=filters)}

    assert titles({"document_type": "PDF"}) == {"오래된 PDF", "최신 PDF", "메디컬 PDF"}
    assert titles({"department": "MEDICAL"}) == {"메디컬 PDF"}
    recent = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert titles({"document_type": ["PDF"], "created_after": recent}) == {"최신 PDF", "메디컬 PDF"}


def test_drafts_and_expired_documents_are_left_out_unless_drafts_are_asked_for():
    make_indexed_document(["크레스토 신규 적응증 초안"], title="초안", approval_state=ApprovalState.DRAFT)
    make_indexed_document(["크레스토 만료된 안내"], title="만료", valid_until=timezone.now() - timedelta(days=1))
    make_indexed_document(["크레스토 승인된 안내"], title="승인")
    staff = SuperUserFactory()

    default = {hit.document_title for hit in search_chunks(user=staff, query="크레스토 안내")}
    with_drafts = {hit.document_title for hit in search_chunks(user=staff, query="크레스토 안내",
                                                               filters={"include_drafts": True})}

    assert default == {"승인"}
    assert with_drafts == {"승인", "초안"}


def test_exact_product_code_must_match():
    make_indexed_document(["제품코드 ATV-10 리피토 10mg 정 포장 단위 30정"], title="ATV-10")
    make_indexed_document(["제품코드 ATV-20 리피토 20mg 정 포장 단위 30정"], title="ATV-20")

    hits = search_chunks(user=UserFactory(), query="ATV-20 포장 단위")

    assert [hit.document_title for hit in hits] == ["ATV-20"]


def test_code_query_ranks_the_passages_with_the_code_by_meaning_too():
    make_indexed_document(["제품코드 ATV-10 리피토 정의 보관 방법: 실온에서 습기를 피해 보관합니다."], title="보관")
    make_indexed_document(["제품코드 ATV-10 리피토 정의 약가와 포장 단위 안내"], title="약가")
    make_indexed_document(["제품코드 ATV-20 리피토 정의 보관 방법: 실온 보관"], title="다른 코드")

    retrieval = retrieve(user=UserFactory(), query="ATV-10 보관 방법")

    assert [hit.document_title for hit in retrieval.hits] == ["보관", "약가"]
    # The dense leg scored exactly the lexical leg's passages (all contain the code), not an index walk.
    assert {cid for cid, _s in retrieval.dense} == {cid for cid, _s in retrieval.lexical}
    assert all(hit.dense_score is not None for hit in retrieval.hits)


def test_edi_code_must_match():
    make_indexed_document(["보험코드 641900010 아토르바스타틴 10mg"], title="EDI 641900010")
    make_indexed_document(["보험코드 641900020 아토르바스타틴 20mg"], title="EDI 641900020")

    hits = search_chunks(user=UserFactory(), query="EDI 641900020 보험 코드")

    assert [hit.document_title for hit in hits] == ["EDI 641900020"]


def test_brand_name_query_finds_passage_written_with_ingredient_name():
    make_synonyms("리피토", "Lipitor", "atorvastatin", "아토르바스타틴")
    make_indexed_document(["아토르바스타틴 칼슘 정제의 보관 방법은 실온 보관입니다."], title="성분 설명")
    make_indexed_document(["메트포르민 서방정의 보관 방법"], title="다른 약")

    retrieval = retrieve(user=UserFactory(), query="리피토 보관 방법")

    lexical_titles = Document.objects.filter(chunks__id=retrieval.lexical[0][0]).values_list("title", flat=True)
    assert list(lexical_titles) == ["성분 설명"]
    assert retrieval.hits[0].document_title == "성분 설명"
    assert any("<mark>아토르바스타틴</mark>" in f for f in retrieval.hits[0].highlights)


def test_rrf_and_convex_fusion_both_rank_the_matching_passage_first():
    make_indexed_document(["고혈압 치료제 암로디핀의 부종 부작용"], title="암로디핀")
    make_indexed_document(["골다공증 치료 가이드"], title="골다공증")
    user = UserFactory()

    for method in ("rrf", "convex"):
        hits = search_chunks(user=user, query="암로디핀 부종", fusion=FusionConfig(method=method))
        assert hits[0].document_title == "암로디핀"


def test_unknown_filter_is_refused():
    with pytest.raises(InvalidSearch, match="알 수 없는 필터"):
        search_chunks(user=UserFactory(), query="리피토", filters={"colour": "red"})


def test_customer_and_product_filters_keep_only_documents_linked_to_them():
    from sales.tests.factories import CustomerFactory, ProductFactory

    customer, product = CustomerFactory(code="C777"), ProductFactory(code="ATV10")
    linked = make_indexed_document(["한빛병원 리피토 처방 현황 메모"], title="연결된 메모")
    linked.customers.add(customer)
    linked.products.add(product)
    make_indexed_document(["다른 병원 리피토 처방 현황 메모"], title="연결 안 된 메모")
    user = UserFactory()

    by_customer_code = search_chunks(user=user, query="리피토 처방", filters={"customer": "C777"})
    by_customer_pk = search_chunks(user=user, query="리피토 처방", filters={"customer": str(customer.pk)})
    by_product = search_chunks(user=user, query="리피토 처방", filters={"product": "ATV10"})
    unfiltered = search_chunks(user=user, query="리피토 처방")

    assert {h.document_title for h in by_customer_code} == {"연결된 메모"}
    assert {h.document_title for h in by_customer_pk} == {"연결된 메모"}
    assert {h.document_title for h in by_product} == {"연결된 메모"}
    assert {h.document_title for h in unfiltered} == {"연결된 메모", "연결 안 된 메모"}


def test_dense_leg_turns_on_iterative_index_scan_and_ef_search_in_its_transaction(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_HNSW_EF_SEARCH = 77
    make_indexed_document(["리피토 복약 안내"], title="리피토")

    with CaptureQueriesContext(connection) as captured:
        search_chunks(user=UserFactory(), query="리피토")

    statements = [q["sql"] for q in captured.captured_queries]
    dense = next(i for i, sql in enumerate(statements) if "<=>" in sql)
    assert "SET LOCAL hnsw.iterative_scan = relaxed_order" in statements[dense - 2]
    assert "SET LOCAL hnsw.ef_search = 77" in statements[dense - 1]


def test_lexical_leg_ranks_a_rare_word_above_repeats_of_a_common_one():
    for i in range(6):
        make_indexed_document([f"영업 영업 영업 활동 보고 {i}"], title=f"영업 보고 {i}")
    make_indexed_document(["영업 현장의 리피토 문의"], title="리피토 문의")

    retrieval = retrieve(user=UserFactory(), query="리피토 영업")

    top = Document.objects.get(chunks__id=retrieval.lexical[0][0])
    assert top.title == "리피토 문의"


def test_retrieval_config_is_read_from_settings_at_call_time_and_passed_down_to_the_dense_leg(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.config import RetrievalConfig

    settings.SEARCH_HNSW_EF_SEARCH = 55
    settings.SEARCH_LEXICAL_BUDGET = 7
    config = RetrievalConfig.from_settings()
    assert (config.ef_search, config.lexical_budget) == (55, 7)
    settings.SEARCH_HNSW_EF_SEARCH = 200  # the config built above is what the query uses
    make_indexed_document(["리피토 복약 안내"], title="리피토")

    with CaptureQueriesContext(connection) as captured:
        search_chunks(user=UserFactory(), query="리피토", config=config)

    assert any("SET LOCAL hnsw.ef_search = 55" in q["sql"] for q in captured.captured_queries)
