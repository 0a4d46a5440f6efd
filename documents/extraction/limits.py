"""Guards shared by the extractors of zipped formats (DOCX, HWPX) and compressed HWP streams."""

import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from documents.errors import ExtractionError

# A single entry expanding more than this many times over its compressed size is a zip bomb.
MAX_RATIO = 200


def max_uncompressed_bytes() -> int:
    return settings.DOCUMENT_MAX_UNCOMPRESSED_MB * 1024 * 1024


def open_safe_zip(fileobj) -> zipfile.ZipFile:
    """Open a zip after checking, from its directory alone, that it does not expand to a bomb."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError):
        raise ExtractionError(_("손상된 압축 파일입니다. 원본 프로그램에서 다시 저장해 올려 주세요.")) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            archive.close()
            raise ExtractionError(_("압축 해제 비율이 비정상적으로 큰 파일입니다(압축 폭탄 의심, %(name)s %(ratio)d배). "
                                    "원본 문서를 다시 저장해 올려 주세요.") % {"name": info.filename, "ratio": ratio})
    if total > max_uncompressed_bytes():
        archive.close()
        raise ExtractionError(_("압축을 풀면 %(mb)d MB가 넘는 파일입니다(압축 폭탄 의심). 허용 한도는 %(limit)d MB입니다.")
                              % {"mb": total // (1024 * 1024), "limit": settings.DOCUMENT_MAX_UNCOMPRESSED_MB})
    return archive
