"""Passages keep the section they belong to, from the headings of each format, through the real pipeline."""

import pytest

from accounts.tests.factories import UserFactory
from documents import filebuilders as builders
from documents.models import Document, ProcessingStatus

pytestmark = pytest.mark.django_db


def sections_of(response) -> list[tuple[str, str]]:
    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == ProcessingStatus.READY, document.error
    return list(document.chunks.order_by("ordinal").values_list("section", "text"))


def test_pdf_headings_become_sections_that_carry_over_to_the_next_page(upload):
    pages = ["트윈스타정 제품설명서\n1. 효능·효과\n본태성 고혈압 치료에 사용한다.\n2. 용법·용량\n1일 1회 1정을 복용한다.",
             "이전 쪽에 이어 용량 조절 기준을 설명한다.\n[보관 방법]\n실온(1~30℃)에서 보관한다."]

    chunks = sections_of(upload(UserFactory(), "트윈스타.pdf", builders.pdf_bytes(pages)))

    assert chunks == [
        ("1. 효능·효과", "트윈스타정 제품설명서\n1. 효능·효과\n본태성 고혈압 치료에 사용한다."),
        ("2. 용법·용량", "2. 용법·용량\n1일 1회 1정을 복용한다."),
        ("2. 용법·용량", "이전 쪽에 이어 용량 조절 기준을 설명한다."),
        ("보관 방법", "[보관 방법]\n실온(1~30℃)에서 보관한다."),
    ]


def test_a_wrapped_pdf_line_that_looks_like_a_list_item_is_not_a_heading(upload):
    wrapped = ("그는 1950년 자신의 사령관이던 알론조 폭스 장군의 딸과 결혼하였\n"
               "다. 그 후 1953년에\n"
               "유럽으로 건너갔다.")

    chunks = sections_of(upload(UserFactory(), "전기.pdf", builders.pdf_bytes([wrapped])))

    assert chunks == [("", wrapped)]


def test_html_headings_become_sections(upload):
    markup = ("<html><body><p>노바스크정 안내</p><h2>이상반응</h2><p>두통, 부종이 나타날 수 있다.</p>"
              "<h2>보험 약가</h2><table><tr><td>노바스크정 5mg</td><td>380원</td></tr></table></body></html>")

    chunks = sections_of(upload(UserFactory(), "노바스크.html", markup.encode()))

    assert chunks == [("", "노바스크정 안내"), ("이상반응", "이상반응\n두통, 부종이 나타날 수 있다."),
                      ("보험 약가", "보험 약가\n노바스크정 5mg | 380원")]


def test_text_file_headings_become_sections(upload):
    text = "【효능·효과】\n고지혈증\n【용법·용량】\n1일 1회 10mg으로 시작한다.\n"

    chunks = sections_of(upload(UserFactory(), "리피토.txt", text.encode()))

    assert chunks == [("효능·효과", "【효능·효과】\n고지혈증"), ("용법·용량", "【용법·용량】\n1일 1회 10mg으로 시작한다.")]


def test_docx_heading_style_names_the_section_of_the_passages_under_it(upload):
    content = builders.docx_bytes(["소아에 대한 안전성은 확립되지 않았다."], heading="사용상의 주의사항")

    chunks = sections_of(upload(UserFactory(), "주의사항.docx", content))

    assert chunks == [("사용상의 주의사항", "사용상의 주의사항\n소아에 대한 안전성은 확립되지 않았다.")]


def test_a_pdf_page_longer_than_a_sheet_keeps_every_line(upload):
    # The demo and bench documents are built with pdf_bytes: a long page goes on on the next sheet, never cut.
    lines = [f"{n}. 항목 {n}의 설명입니다." for n in range(1, 71)]

    chunks = sections_of(upload(UserFactory(), "긴 안내.pdf", builders.pdf_bytes(["\n".join(lines)])))

    text = "\n".join(body for _section, body in chunks)
    assert "70. 항목 70의 설명입니다." in text and "1. 항목 1의 설명입니다." in text
