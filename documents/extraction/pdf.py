"""PDF: text page by page with pypdf, keeping page numbers."""

import logging

from django.utils.translation import gettext as _

from documents.errors import ExtractionError
from documents.extraction import Extracted, Segment

logger = logging.getLogger(__name__)


def extract_pdf(fileobj) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(fileobj)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(_("암호로 보호된 PDF입니다. 암호를 해제한 PDF로 교체한 뒤 다시 처리해 주세요."))
        pages = reader.pages
        page_count = len(pages)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(_("손상된 PDF입니다(%(reason)s). 원본에서 PDF를 다시 만들어 올려 주세요.")
                              % {"reason": type(exc).__name__}) from exc
    segments = []
    unreadable = []
    for number in range(page_count):
        try:
            text = pages[number].extract_text() or ""
        except Exception:  # one bad page must not lose the others
            logger.warning("PDF page %s could not be read", number + 1, exc_info=True)
            unreadable.append(number + 1)
            continue
        if text.strip():
            segments.append(Segment(text=text, page=number + 1))
    metadata = {"page_count": page_count}
    info = _safe_info(reader)
    if info.get("author"):
        metadata["author"] = info["author"]
    if info.get("title"):
        metadata["pdf_title"] = info["title"]
    if unreadable:
        metadata["unreadable_pages"] = unreadable
    return Extracted(segments=segments, metadata=metadata)


def _safe_info(reader) -> dict:
    try:
        info = reader.metadata or {}
        return {"author": str(info.author or ""), "title": str(info.title or "")}
    except Exception:
        return {}
