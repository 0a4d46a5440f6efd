"""Recognise an uploaded file by its content (magic bytes), not by the name it was given.

An executable renamed `.pdf` is still an executable: it is refused with 415 before anything is stored.
Only the container's table of contents is read here; the zip-bomb check happens at extraction, so a
suspicious DOCX is kept with status `failed` and a reason instead of being lost.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from documents.errors import UnsupportedFileType
from documents.models import DocumentType

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
HWP_SIGNATURE = b"HWP Document File"
KNOWN_BINARY = {
    b"MZ": "Windows 실행 파일",
    b"\x7fELF": "Linux 실행 파일",
    b"\xcf\xfa\xed\xfe": "macOS 실행 파일",
    b"\xce\xfa\xed\xfe": "macOS 실행 파일",
    b"\xca\xfe\xba\xbe": "실행 파일",
    b"\x89PNG": "PNG 이미지",
    b"\xff\xd8\xff": "JPEG 이미지",
    b"GIF8": "GIF 이미지",
    b"\x1f\x8b": "gzip 압축 파일",
    b"Rar!": "RAR 압축 파일",
    b"7z\xbc\xaf": "7z 압축 파일",
}
MIME_TYPES = {
    DocumentType.PDF: "application/pdf",
    DocumentType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentType.HWP: "application/x-hwp",
    DocumentType.HWPX: "application/hwp+zip",
    DocumentType.TXT: "text/plain",
    DocumentType.MARKDOWN: "text/markdown",
    DocumentType.HTML: "text/html",
}
SUPPORTED = "PDF, DOCX, HWP, HWPX, TXT, Markdown, HTML"


@dataclass(frozen=True)
class DetectedType:
    document_type: str
    mime_type: str


def _refuse(what):
    return UnsupportedFileType(
        _("지원하지 않는 파일 형식입니다(%(what)s). %(supported)s 파일만 올릴 수 있습니다.")
        % {"what": what, "supported": SUPPORTED}
    )


def _detected(document_type):
    return DetectedType(document_type, MIME_TYPES[document_type])


def detect_type(fileobj, filename: str) -> DetectedType:
    """The document type of `fileobj` judged by its bytes; raises UnsupportedFileType (415)."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if b"%PDF-" in head[:1024]:
        return _detected(DocumentType.PDF)
    if head.startswith(OLE_SIGNATURE):
        return _detect_ole(fileobj)
    if head.startswith(ZIP_SIGNATURE):
        return _detect_zip(fileobj)
    for signature, what in KNOWN_BINARY.items():
        if head.startswith(signature):
            raise _refuse(what)
    if head.startswith(b"#!"):
        raise _refuse(_("스크립트 실행 파일"))
    if not _looks_like_text(head):
        raise _refuse(_("알 수 없는 바이너리 파일"))
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".md", ".markdown"}:
        return _detected(DocumentType.MARKDOWN)
    lowered = head[:512].lstrip().lower()
    if suffix in {".html", ".htm"} or lowered.startswith((b"<!doctype html", b"<html")):
        return _detected(DocumentType.HTML)
    return _detected(DocumentType.TXT)


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls <= len(head) // 100


def _detect_ole(fileobj) -> DetectedType:
    import olefile

    try:
        ole = olefile.OleFileIO(fileobj)
    except Exception:
        raise _refuse(_("손상된 OLE 파일")) from None
    try:
        if ole.exists("FileHeader") and ole.openstream("FileHeader").read(32).startswith(HWP_SIGNATURE):
            return _detected(DocumentType.HWP)
    finally:
        ole.close()
        fileobj.seek(0)
    raise _refuse(_("HWP가 아닌 OLE 문서(예: 구형 DOC/XLS)"))


def _detect_zip(fileobj) -> DetectedType:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:64] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise _refuse(_("손상된 ZIP 파일")) from None
    finally:
        fileobj.seek(0)
    if "word/document.xml" in names:
        return _detected(DocumentType.DOCX)
    if mimetype.startswith(b"application/hwp+zip") or any(
        name.startswith("Contents/section") for name in names
    ):
        return _detected(DocumentType.HWPX)
    raise _refuse(_("ZIP 압축 파일"))
