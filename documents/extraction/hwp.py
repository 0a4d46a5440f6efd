"""HWP 5 (binary, OLE) and HWPX (zipped XML): the Korean word-processor formats.

Written here from Hancom's published format description rather than taken from pyhwp, whose AGPL
licence does not fit our Apache-2.0 one. HWP 5: an OLE compound file whose `BodyText/SectionN`
streams hold raw-deflated records; each record header is 32 bits (tag 10, level 10, size 12, with
0xFFF meaning "size in the next 4 bytes"); tag 67 (HWPTAG_PARA_TEXT) is the paragraph text in UTF-16LE
with inline control characters that we skip.
"""

import re
import struct
import zlib
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from documents.errors import ExtractionError
from documents.extraction import Extracted, Segment
from documents.extraction.limits import max_uncompressed_bytes, open_safe_zip

HWPTAG_PARA_TEXT = 67
HWPTAG_CTRL_HEADER = 71
HWPTAG_LIST_HEADER = 72
HWPTAG_TABLE = 77
TABLE_CONTROL_ID = b" lbt"  # 'tbl ' as a little-endian UINT32
FLAG_COMPRESSED = 0x1
FLAG_PASSWORD = 0x2
FLAG_DISTRIBUTION = 0x4
# Control characters that occupy one UTF-16 unit; every other code below 32 spans eight units.
SINGLE_UNIT_CONTROLS = {0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31}
TEXT_FOR_CONTROL = {9: "\t", 10: "\n", 24: "-", 30: " ", 31: " "}


def iter_records(data: bytes):
    """(tag, level, payload) for each record of a decompressed HWP stream."""
    offset, end = 0, len(data)
    while offset + 4 <= end:
        (header,) = struct.unpack_from("<I", data, offset)
        offset += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, (header >> 20) & 0xFFF
        if size == 0xFFF:
            if offset + 4 > end:
                break
            (size,) = struct.unpack_from("<I", data, offset)
            offset += 4
        yield tag, level, data[offset:offset + size]
        offset += size


def para_text(payload: bytes) -> str:
    """The visible text of a PARA_TEXT record, inline and extended controls removed."""
    units = struct.unpack(f"<{len(payload) // 2}H", payload[: len(payload) // 2 * 2])
    out, i = [], 0
    while i < len(units):
        code = units[i]
        if code >= 32:
            out.append(chr(code))
            i += 1
        elif code in SINGLE_UNIT_CONTROLS:
            out.append(TEXT_FOR_CONTROL.get(code, ""))
            i += 1
        else:
            out.append(TEXT_FOR_CONTROL.get(code, ""))
            i += 8
    return "".join(out).replace("\r", "")


def _record_table_lines(cells: list[list[str]], columns: int) -> list[str]:
    texts = [" ".join(" ".join(part.split()) for part in cell if part.strip()) for cell in cells]
    if columns <= 0:
        return [text for text in texts if text]
    rows = [texts[i:i + columns] for i in range(0, len(texts), columns)]
    return [" | ".join(row) for row in rows if any(row)]


def section_paragraphs(data: bytes) -> list[str]:
    """The lines of a section: paragraph texts in order, each table row as one line "a | b | c".

    A table is a CTRL_HEADER 'tbl ' record; its TABLE record gives the column count and each cell starts
    with a LIST_HEADER one level below, followed by the cell's paragraphs. Cells come row by row, so they
    are grouped by the column count (a merged cell shifts the rest of its row: a known simplification).
    """
    lines, table = [], None
    for tag, level, payload in iter_records(data):
        if table is not None and level <= table["level"]:
            lines.extend(_record_table_lines(table["cells"], table["columns"]))
            table = None
        if table is None and tag == HWPTAG_CTRL_HEADER and payload[:4] == TABLE_CONTROL_ID:
            table = {"level": level, "columns": 0, "cells": []}
        elif table is not None:
            if tag == HWPTAG_TABLE and level == table["level"] + 1 and len(payload) >= 8:
                table["columns"] = struct.unpack_from("<H", payload, 6)[0]
            elif tag == HWPTAG_LIST_HEADER and level == table["level"] + 1:
                table["cells"].append([])
            elif tag == HWPTAG_PARA_TEXT and table["cells"]:
                table["cells"][-1].append(para_text(payload))
        elif tag == HWPTAG_PARA_TEXT:
            lines.append(para_text(payload))
    if table is not None:
        lines.extend(_record_table_lines(table["cells"], table["columns"]))
    return lines


def _inflate(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(-15)
    data = inflater.decompress(raw, limit + 1)
    if len(data) > limit:
        raise ExtractionError(_("압축을 풀면 허용 한도를 넘는 HWP 파일입니다(압축 폭탄 의심)."))
    return data


def extract_hwp(fileobj) -> Extracted:
    import olefile

    try:
        ole = olefile.OleFileIO(fileobj)
    except Exception as exc:
        raise ExtractionError(_("손상된 HWP 파일입니다. 한글에서 다시 저장해 올려 주세요.")) from exc
    try:
        header = ole.openstream("FileHeader").read(256)
        (flags,) = struct.unpack_from("<I", header, 36)
        if flags & FLAG_PASSWORD:
            raise ExtractionError(_("암호가 설정된 HWP 문서입니다. 암호를 해제해 저장한 뒤 다시 올려 주세요."))
        if flags & FLAG_DISTRIBUTION:
            raise ExtractionError(_("배포용 HWP 문서는 본문이 암호화되어 있어 읽을 수 없습니다. 일반 문서로 저장해 올려 주세요."))
        sections = sorted(
            (entry for entry in ole.listdir() if len(entry) == 2 and entry[0] == "BodyText"),
            key=lambda entry: int(re.sub(r"\D", "", entry[1]) or 0),
        )
        budget = max_uncompressed_bytes()
        segments = []
        for number, entry in enumerate(sections, start=1):
            raw = ole.openstream(entry).read()
            try:
                data = _inflate(raw, budget) if flags & FLAG_COMPRESSED else raw
            except zlib.error as exc:
                raise ExtractionError(_("HWP 본문의 압축을 풀 수 없습니다(손상된 파일). 한글에서 다시 저장해 올려 주세요.")) from exc
            budget -= len(data)
            text = "\n".join(section_paragraphs(data))
            if text.strip():
                segments.append(Segment(text=text, section=_("구역 %(n)d") % {"n": number}))
        version = ".".join(str(part) for part in reversed(header[32:36]))
    except ExtractionError:
        raise
    except (OSError, struct.error) as exc:
        raise ExtractionError(_("손상된 HWP 파일입니다. 한글에서 다시 저장해 올려 주세요.")) from exc
    finally:
        ole.close()
    return Extracted(segments=segments, metadata={"hwp_version": version, "sections": len(sections)})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _cell_text(cell) -> str:
    return " ".join("".join(t.itertext()) for t in cell.iter() if _local(t.tag) == "t").strip()


def _table_lines(table) -> list[str]:
    lines = []
    for row in (child for child in table if _local(child.tag) == "tr"):
        cells = [_cell_text(cell) for cell in row if _local(cell.tag) == "tc"]
        if any(cells):
            lines.append(" | ".join(" ".join(c.split()) for c in cells))
    return lines


def _paragraph_lines(paragraph) -> list[str]:
    lines, buffer = [], []

    def walk(element):
        for child in element:
            name = _local(child.tag)
            if name == "tbl":
                if "".join(buffer).strip():
                    lines.append("".join(buffer))
                buffer.clear()
                lines.extend(_table_lines(child))
            elif name == "t":
                buffer.append("".join(child.itertext()))
            else:
                walk(child)

    walk(paragraph)
    if "".join(buffer).strip():
        lines.append("".join(buffer))
    return lines


def extract_hwpx(fileobj) -> Extracted:
    archive = open_safe_zip(fileobj)
    with archive:
        names = sorted(
            (name for name in archive.namelist() if re.fullmatch(r"Contents/section\d+\.xml", name)),
            key=lambda name: int(re.sub(r"\D", "", name)),
        )
        segments = []
        for number, name in enumerate(names, start=1):
            try:
                root = ElementTree.fromstring(archive.read(name))
            except ElementTree.ParseError as exc:
                raise ExtractionError(_("HWPX 본문(%(name)s)을 읽을 수 없습니다(손상된 파일).") % {"name": name}) from exc
            lines = []
            for paragraph in (child for child in root if _local(child.tag) == "p"):
                lines.extend(_paragraph_lines(paragraph))
            if lines:
                segments.append(Segment(text="\n".join(lines), section=_("구역 %(n)d") % {"n": number}))
    return Extracted(segments=segments, metadata={"sections": len(names)})
