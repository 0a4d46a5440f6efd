"""Extraction: the first pipeline step, turning stored bytes into text segments.

Contract: `extract(fileobj, document_type) -> Extracted`, where each `Segment` carries a page (PDF)
or a section name (headings, HWP sections) so passages can cite where they came from. A file that
cannot yield text raises `ExtractionError` with a Korean sentence saying what to fix.
"""

from dataclasses import dataclass, field

from documents.models import DocumentType


@dataclass
class Segment:
    text: str
    page: int | None = None
    section: str = ""


@dataclass
class Extracted:
    segments: list[Segment]
    metadata: dict = field(default_factory=dict)


def extract(fileobj, document_type: str) -> Extracted:
    from documents.extraction import hwp, office, pdf, text

    extractors = {
        DocumentType.PDF: pdf.extract_pdf,
        DocumentType.DOCX: office.extract_docx,
        DocumentType.HWP: hwp.extract_hwp,
        DocumentType.HWPX: hwp.extract_hwpx,
        DocumentType.TXT: text.extract_txt,
        DocumentType.MARKDOWN: text.extract_markdown,
        DocumentType.HTML: text.extract_html,
    }
    return extractors[document_type](fileobj)
