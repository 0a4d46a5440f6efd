"""Staff work in a real browser: each persona logs in and opens every admin page it has, the review
workflow runs end to end, and the API docs work without internet."""

import re

import pytest

from accounts.services import token_issue
from accounts.tests.factories import TEST_PASSWORD
from chat.services import exchange_store, session_create
from documents.models import ApprovalState, Document
from documents.tests.factories import DocumentFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_PAGE_BYTES = 300_000
# Words allowed in the admin's headings, labels and buttons: codes and names of formats and products.
ALLOWED = {"API", "PDF", "DOCX", "HWP", "HWPX", "TXT", "HTML", "Markdown", "CSV", "XLSX", "EDI", "OpenSearch",
           "ID", "RRF", "convex", "BM25", "JSON", "URL", "SVG", "MIME", "SHA"}
UI_TEXT = """() => Array.from(document.querySelectorAll(
  '#site-name, #user-tools, #nav-sidebar th, #nav-sidebar caption, #content h1, #content h2, .breadcrumbs, '
  + '#result_list thead th, label, .submit-row input, .submit-row a, .object-tools a, #changelist-filter h2, '
  + '#changelist-filter h3, #changelist-filter summary, .actions, .paginator, #toolbar, .help, .errornote, '
  + '.messagelist'))
  .map(e => (e.innerText || e.value || '').trim()).filter(Boolean)"""


def english_words(page) -> set[str]:
    words = set()
    for text in page.evaluate(UI_TEXT):
        text = re.sub(r"\S+@\S+", "", text)  # e-mail addresses (the logged-in user) are data
        words.update(re.findall(r"[A-Za-z][A-Za-z]{2,}", text))
    return words - ALLOWED


def login(page, user):
    page.goto("/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


def open_and_check(page, url) -> list[str]:
    """Open `url`; what a person would notice is wrong with it (empty list when fine)."""
    response = page.goto(url)
    problems = []
    body = response.body()
    if response.status >= 400 or page.locator(".errornote, #summary h1:has-text('Error')").count():
        problems.append(f"{url}: error page ({response.status})")
    if len(body) > MAX_PAGE_BYTES:
        problems.append(f"{url}: {len(body):,} bytes")
    english = english_words(page)
    if english:
        problems.append(f"{url}: English UI words {sorted(english)}")
    return problems


def admin_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("#content-main a[href^='/admin/']", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(hrefs))


@pytest.mark.parametrize("persona", ["librarian", "manager", "pm"])
def test_each_persona_opens_every_admin_page_it_has(page, personas, persona):
    DocumentFactory(title="리피토 제품 설명서", uploaded_by=personas.pm)
    session = session_create(owner=personas.rep, title="리피토 용량 문의")
    exchange_store(session=session, question="리피토 용량은?", search_query="리피토 용량", answer="10mg입니다.",
                   sources=[], request_id="req-1", provider="extractive", model="", latency_ms=40)
    login(page, getattr(personas, persona))
    assert open_and_check(page, "/admin/") == []

    links = admin_links(page)
    problems = []
    for link in links:
        problems += open_and_check(page, link)
        first_row = page.locator("#result_list tbody th a").first
        if link.endswith("/") and not link.endswith("/add/") and first_row.count():
            problems += open_and_check(page, first_row.get_attribute("href"))

    assert len(links) >= 3
    assert problems == []


def test_review_workflow_from_a_reps_upload_to_a_reps_search(page, personas):
    rep_token = token_issue(user=personas.rep, device_name="브라우저 테스트")[1]
    upload = page.request.post("/api/documents/", headers={"Authorization": f"Token {rep_token}"}, multipart={
        "file": {"name": "트윈스타 안내.txt", "mimeType": "text/plain",
                 "buffer": "트윈스타정 신규 함량 출시 안내입니다.".encode()},
        "approval_state": "approved"})
    assert upload.status == 201 and upload.json()["approval_state"] == ApprovalState.PENDING
    document_id = upload.json()["id"]
    onco_token = token_issue(user=personas.onco_rep, device_name="브라우저 테스트")[1]

    def rep_search():
        response = page.request.post("/api/search/", headers={"Authorization": f"Token {onco_token}"},
                                     data={"query": "트윈스타정 신규 함량"})
        assert response.status == 200
        return [result["document_id"] for result in response.json()["results"]]

    assert document_id not in rep_search()

    login(page, personas.librarian)
    assert "검토 대기 문서 1건" in page.inner_text("#pending-documents")
    page.click("#pending-documents a")
    assert open_and_check(page, page.url) == []
    page.check(f"input[name=_selected_action][value='{document_id}']")
    page.select_option("select[name=action]", "approve_documents")
    page.click("button[name=index]")
    assert "1건을 승인했습니다" in page.inner_text(".messagelist")

    document = Document.objects.get(pk=document_id)
    assert document.approval_state == ApprovalState.APPROVED and document.reviewed_by == personas.librarian
    assert document_id in rep_search()


def test_api_docs_list_operations_without_internet(page, db):
    page.goto("/")
    assert "제약 영업 지식·챗봇 플랫폼" in page.inner_text("h1")

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 40

    page.goto("/api/redoc/")
    page.wait_for_selector("[data-section-id^='operation'], [data-section-id^='tag']", timeout=20_000)
