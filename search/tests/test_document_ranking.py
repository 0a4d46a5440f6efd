"""Documents, not just passages: one long document does not fill the results, and titles and headings are searched.

Documents go through the real upload API and pipeline; searches through POST /api/search/.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from documents import filebuilders as builders
from documents.tests.factories import document_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """Upload as a document manager, so the document is approved and searchable at once."""
    manager = document_manager()

    def send(name, content, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(manager).post(
                "/api/documents/", {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    return send


@pytest.fixture
def search(client_for):
    rep = UserFactory()

    def ask(query, top_k=10):
        response = client_for(rep).post("/api/search/", {"query": query, "top_k": top_k}, format="json")
        assert response.status_code == 200, response.json()
        return response.json()["results"]

    return ask


def test_one_long_document_does_not_fill_the_top_results(upload, search, settings):
    settings.CHUNK_TARGET_CHARS = 120
    long_manual = builders.pdf_bytes([
        f"{n}쪽: 아토르바스타틴 용량은 환자의 LDL 콜레스테롤 목표에 따라 정하며, 이 쪽은 {topic}을 다룬다."
        for n, topic in enumerate(["시작 용량", "증량 간격", "최대 용량", "간 기능 검사", "병용 약물", "고령자"], 1)])
    manual = upload("아토르바스타틴 영업 매뉴얼.pdf", long_manual, title="영업 매뉴얼")
    leaflet = upload("리피토 안내문.txt", "리피토정의 성분은 아토르바스타틴이며 1일 1회 10mg으로 시작한다.".encode(),
                     title="리피토 안내문")
    guide = upload("이상지질혈증 진료지침.txt", "LDL 콜레스테롤 목표는 위험도에 따라 다르다.".encode(), title="진료지침")

    results = search("아토르바스타틴 용량 LDL 콜레스테롤", top_k=3)

    assert {r["document_id"] for r in results} == {manual, leaflet, guide}


def test_chat_reads_every_passage_of_the_best_document_while_search_results_spread(upload, settings):
    from search.services import search_chunks

    settings.CHUNK_TARGET_CHARS = 120
    long_manual = builders.pdf_bytes([
        f"{n}쪽: 아토르바스타틴 용량은 환자의 LDL 콜레스테롤 목표에 따라 정하며, 이 쪽은 {topic}을 다룬다."
        for n, topic in enumerate(["시작 용량", "증량 간격", "최대 용량"], 1)])
    manual = upload("아토르바스타틴 영업 매뉴얼.pdf", long_manual, title="영업 매뉴얼")
    upload("이상지질혈증 진료지침.txt", "LDL 콜레스테롤 목표는 위험도에 따라 다르다.".encode(), title="진료지침")
    rep, query = UserFactory(), "아토르바스타틴 용량 LDL 콜레스테롤"

    spread = search_chunks(user=rep, query=query, top_k=2)
    evidence = search_chunks(user=rep, query=query, top_k=2, per_document=settings.CHAT_PASSAGES_PER_DOCUMENT)

    assert len({str(hit.document_id) for hit in spread}) == 2
    assert [str(hit.document_id) for hit in evidence] == [manual, manual]


def test_when_fewer_documents_than_places_their_other_passages_fill_the_results(upload, search, settings):
    settings.CHUNK_TARGET_CHARS = 120
    pages = [f"{n}쪽: 로수바스타틴 투여 시 {topic}에 주의한다." for n, topic in enumerate(["근육통", "신기능", "간수치"], 1)]
    manual = upload("크레스토 매뉴얼.pdf", builders.pdf_bytes(pages), title="크레스토 매뉴얼")

    results = search("로수바스타틴 투여 주의", top_k=3)

    assert [r["document_id"] for r in results] == [manual] * 3
    assert sorted(r["page"] for r in results) == [1, 2, 3]


def test_a_word_found_only_in_the_title_finds_the_document(upload, search):
    document = upload("combo.txt", "암로디핀과 아토르바스타틴을 한 알에 담은 복합제이다.".encode(), title="카듀엣정 제품 안내")
    upload("other.txt", "암로디핀 단일제는 고혈압에 쓰인다.".encode(), title="노바스크정 제품 안내")

    results = search("카듀엣")

    assert results and results[0]["document_id"] == document


def test_after_a_rename_the_new_title_matches_the_document_and_the_old_one_no_longer_does(upload, search, client_for):
    document = upload("guide.txt", "견본품은 월 1회 신청한다.".encode(), title="샘플 신청 안내")
    owner = client_for(UserFactory(is_staff=True, is_superuser=True))

    response = owner.patch(f"/api/documents/{document}/", {"title": "견본품 요청 절차서"}, format="json")

    assert response.status_code == 200, response.json()
    renamed = search("요청 절차")
    assert [r["document_id"] for r in renamed] == [document] and renamed[0]["lexical_score"] is not None
    assert all(r["lexical_score"] is None for r in search("샘플"))  # only the dense leg's nearest passage


def test_a_heading_word_finds_the_passages_of_its_section_on_the_next_page(upload, search):
    pages = ["1. 보관 방법\n실온(1~30℃)에서 습기를 피해 둔다.", "개봉 후에는 6개월 안에 사용한다."]
    upload("보관.pdf", builders.pdf_bytes(pages), title="제품 설명서")

    results = search("보관 개봉 후 사용 기한")

    assert results[0]["page"] == 2 and results[0]["section"] == "1. 보관 방법"


def test_a_brand_asked_without_its_dosage_form_finds_the_product_document(upload, search):
    lipitor = upload("a.txt", "리피토정의 최대 용량은 1일 80mg이다.".encode(), title="제품 정보 A")
    upload("b.txt", "노바스크정의 최대 용량은 1일 10mg이다.".encode(), title="제품 정보 B")

    results = search("리피토 최대 용량")

    assert results[0]["document_id"] == lipitor and results[0]["lexical_score"] is not None


def test_the_document_naming_the_product_in_one_passage_and_the_asked_fact_in_another_ranks_first(upload, search):
    def monograph(brand, ingredient, dose):
        return builders.pdf_bytes([f"1. 제품 개요\n{brand}은 {ingredient} 성분의 고지혈증 치료제이다. 식이요법과 운동요법으로 "
                                   "충분하지 않은 환자에게 쓰며, 영업 담당자는 방문 전에 허가사항과 경쟁 제품 정보를 "
                                   "확인한다. 디테일링 자료는 마케팅팀이 분기마다 갱신한다.",
                                   f"3. 용법·용량\n시작 용량은 1일 1회 {dose}이며, 시작 용량으로 4주 뒤 검사한다."])

    crestor = upload("c.pdf", monograph("크레스토정", "로수바스타틴", "5mg"), title="제품 정보 C")
    upload("l.pdf", monograph("리피토정", "아토르바스타틴", "10mg"), title="제품 정보 L")
    upload("p.pdf", monograph("리바로정", "피타바스타틴", "2mg"), title="제품 정보 P")

    results = search("로수바스타틴 시작 용량")

    assert results[0]["document_id"] == crestor
