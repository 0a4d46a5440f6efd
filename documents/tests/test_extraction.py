"""Extractors and type detection on files and bytes built here."""

import io
import struct

import pytest

from documents import filebuilders as builders
from documents.detection import detect_type
from documents.errors import ExtractionError, UnsupportedFileType
from documents.extraction import extract
from documents.extraction.hwp import iter_records, para_text, section_paragraphs
from documents.extraction.text import decode_text


def test_hwp_record_parser_reads_extended_sizes_and_skips_inline_controls():
    long_text = "가" * 3000  # 6,002 bytes: the size no longer fits in 12 bits
    payload = builders.hwp_para_text(long_text)
    data = builders.hwp_record(66, b"\0" * 12) + builders.hwp_record(67, payload, level=1)

    records = list(iter_records(data))

    assert [(tag, level) for tag, level, _ in records] == [(66, 0), (67, 1)]
    assert section_paragraphs(data) == [long_text]


def test_para_text_turns_tab_and_line_break_into_text_and_drops_table_anchors():
    anchor = struct.pack("<8H", 11, 0x6274, 0x6C20, 0, 0, 0, 0, 11)
    tab = struct.pack("<8H", 9, 0, 0, 0, 0, 0, 0, 9)
    payload = "제품".encode("utf-16-le") + tab + "단가".encode("utf-16-le") + anchor + struct.pack("<H", 10) + \
        "끝".encode("utf-16-le") + struct.pack("<H", 13)

    assert para_text(payload) == "제품\t단가\n끝"


def test_hwp_table_rows_become_lines_in_document_order():
    content = builders.hwp_bytes([["표 앞 문단"]], table=[["제품", "단가"], ["리피토", "15,300원"], ["노바스크", "9,600원"]])

    text = extract(io.BytesIO(content), "HWP").segments[0].text

    assert [line for line in text.splitlines() if line] == ["표 앞 문단", "제품 | 단가", "리피토 | 15,300원",
                                                            "노바스크 | 9,600원"]


def test_uncompressed_hwp_with_several_sections_keeps_section_names():
    content = builders.hwp_bytes([["첫 구역 문단"], ["둘째 구역 문단"]], compressed=False)

    result = extract(io.BytesIO(content), "HWP")

    assert [(s.section, s.text) for s in result.segments] == [("구역 1", "첫 구역 문단"), ("구역 2", "둘째 구역 문단")]


def test_ole_file_that_is_not_hwp_is_refused():
    content = builders.compound_file({"WordDocument": b"\0" * 100})

    with pytest.raises(UnsupportedFileType, match="HWP가 아닌 OLE"):
        detect_type(io.BytesIO(content), "보고서.hwp")


def test_plain_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(UnsupportedFileType, match="ZIP"):
        detect_type(buffer, "보고서.docx")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16"])
def test_korean_text_is_decoded_whatever_the_common_encoding(encoding):
    text = "아토르바스타틴 10mg 1일 1회 복용, 콜레스테롤 관리"

    decoded, _ = decode_text(text.encode(encoding))

    assert decoded == text


def test_html_text_only_without_scripts_styles_or_markup():
    markup = ("<html><head><style>p{color:red}</style></head><body><h1>제목</h1><p>본문 &amp; 설명</p>"
              "<script>steal()</script><img src=x onerror=alert(1)></body></html>")

    result = extract(io.BytesIO(markup.encode()), "HTML")

    assert result.segments[0].text == "제목\n본문 & 설명"


def test_pdf_with_a_bad_cross_reference_is_reported_as_damaged():
    with pytest.raises(ExtractionError, match="손상된 PDF"):
        extract(io.BytesIO(b"%PDF-1.4\nnot really a pdf"), "PDF")


def test_docx_table_with_merged_cells_lists_each_cell_once():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "병합된 머리글"
    table.cell(0, 2).text = "단가"
    for cell, value in zip(table.rows[1].cells, ["리피토", "10mg", "15,300원"], strict=True):
        cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)

    text = extract(io.BytesIO(buffer.getvalue()), "DOCX").segments[0].text

    assert text.splitlines()[-2:] == ["병합된 머리글 | 단가", "리피토 | 10mg | 15,300원"]
