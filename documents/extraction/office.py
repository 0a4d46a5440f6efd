"""DOCX: paragraphs and tables in document order; each table row becomes one line "a | b | c"."""

from django.utils.translation import gettext as _

from documents.errors import ExtractionError
from documents.extraction import Extracted, Segment
from documents.extraction.limits import open_safe_zip

HEADING_STYLES = ("heading", "title", "제목")


def extract_docx(fileobj) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    open_safe_zip(fileobj).close()
    fileobj.seek(0)
    try:
        document = docx.Document(fileobj)
    except Exception as exc:
        raise ExtractionError(_("손상된 DOCX 파일입니다(%(reason)s). Word에서 다시 저장해 올려 주세요.")
                              % {"reason": type(exc).__name__}) from exc

    segments: list[Segment] = []
    section, lines = "", []

    def flush():
        if any(line.strip() for line in lines):
            segments.append(Segment(text="\n".join(lines), section=section[:200]))
        lines.clear()

    tables = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            style = (paragraph.style.name if paragraph.style is not None else "").lower()
            if paragraph.text.strip() and style.startswith(HEADING_STYLES):
                flush()
                section = paragraph.text.strip()
            lines.append(paragraph.text)
        elif tag == "tbl":
            tables += 1
            lines.extend(_table_lines(Table(block, document)))
    flush()
    metadata = {"tables": tables}
    author = document.core_properties.author
    if author:
        metadata["author"] = author
    return Extracted(segments=segments, metadata=metadata)


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell repeats across the columns it spans
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(" | ".join(cells))
    return lines
