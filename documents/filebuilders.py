"""Real files of every supported type, built in code: for the tests, the demo data and the benchmark.

`compound_file()` is a minimal writer of the OLE2 / Compound File Binary format (version 3, 512-byte
sectors, with a mini stream for small streams), enough to produce genuine HWP 5 files: olefile and
Hancom's readers open them the same way they open files saved by 한글.
"""

import io
import struct
import zipfile
import zlib

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# --- PDF ---------------------------------------------------------------------------------------

def pdf_bytes(pages: list[str], *, encrypt_with: str | None = None) -> bytes:
    """A PDF with one page per string (lines split on \\n), Korean through the HYSMyeongJo CID font."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    buffer = io.BytesIO()
    encrypt = StandardEncryption(encrypt_with, canPrint=1) if encrypt_with else None
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for page in pages:
        pdf.setFont("HYSMyeongJo-Medium", 11)
        y = 800
        for line in page.split("\n"):
            if y < 40:  # the page is full: go on on the next one (never drop the rest of the text)
                pdf.showPage()
                pdf.setFont("HYSMyeongJo-Medium", 11)
                y = 800
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- DOCX --------------------------------------------------------------------------------------

def docx_bytes(paragraphs: list[str], *, table: list[list[str]] | None = None, heading: str = "") -> bytes:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(expanded_mb: int = 400) -> bytes:
    """A DOCX-shaped zip whose one XML part expands to `expanded_mb` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(block)
    return buffer.getvalue()


# --- HWPX --------------------------------------------------------------------------------------

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"


def _hwpx_paragraph(text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<hp:p><hp:run><hp:t>{escape(text)}</hp:t></hp:run></hp:p>'


def _hwpx_table(rows: list[list[str]]) -> str:
    from xml.sax.saxutils import escape

    body = "".join(
        "<hp:tr>" + "".join(
            f"<hp:tc><hp:subList><hp:p><hp:run><hp:t>{escape(cell)}</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
            for cell in row) + "</hp:tr>"
        for row in rows)
    return f"<hp:p><hp:run><hp:tbl>{body}</hp:tbl></hp:run></hp:p>"


def hwpx_bytes(sections: list[list[str]], *, table: list[list[str]] | None = None) -> bytes:
    """An HWPX package: mimetype first and stored, then one Contents/sectionN.xml per section."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("version.xml", '<?xml version="1.0" encoding="UTF-8"?><hv:HCFVersion/>')
        archive.writestr("Contents/content.hpf", '<?xml version="1.0" encoding="UTF-8"?><opf:package/>')
        for number, paragraphs in enumerate(sections):
            body = "".join(_hwpx_paragraph(text) for text in paragraphs)
            if table and number == 0:
                body += _hwpx_table(table)
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/'
                   f'section" xmlns:hp="{HP}">{body}</hs:sec>')
            archive.writestr(f"Contents/section{number}.xml", xml)
    return buffer.getvalue()


# --- HWP 5 (OLE compound file) -----------------------------------------------------------------

def _entry(name: str, kind: int, *, left=NOSTREAM, right=NOSTREAM, child=NOSTREAM, start=ENDOFCHAIN, size=0):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1 if name else 0, left, right,
                                                   child)
            + b"\0" * 36 + struct.pack("<IQ", start, size))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 file holding `streams` ({"FileHeader": b"...", "BodyText/Section0": b"..."}); one level of
    storages at most, which is all HWP needs."""
    def order(name):
        return (len(name), name.upper())

    top = sorted({path.split("/")[0] for path in streams}, key=order)
    children = {name: sorted((p.split("/")[1] for p in streams if p.startswith(name + "/")), key=order)
                for name in top if f"{name}" not in streams}
    # Directory ids: 0 root, then each top-level entry followed by its children.
    ids, paths = {}, []
    for name in top:
        ids[name] = len(ids) + 1
        paths.append(name)
        for child in children.get(name, []):
            ids[f"{name}/{child}"] = len(ids) + 1
            paths.append(f"{name}/{child}")
    small = [p for p in paths if p in streams and len(streams[p]) < MINI_CUTOFF]
    big = [p for p in paths if p in streams and len(streams[p]) >= MINI_CUTOFF]

    ministream, minifat, mini_start = b"", [], {}
    for path in small:
        data = streams[path]
        count = max(1, -(-len(data) // MINI_SECTOR))
        mini_start[path] = len(minifat)
        minifat.extend(range(len(minifat) + 1, len(minifat) + count))
        minifat.append(ENDOFCHAIN)
        ministream += data.ljust(count * MINI_SECTOR, b"\0")

    def sectors(size):
        return -(-size // SECTOR)

    dir_count = sectors((len(paths) + 1) * 128)
    minifat_count = sectors(len(minifat) * 4)
    ministream_count = sectors(len(ministream))
    big_counts = [sectors(len(streams[p])) for p in big]
    others = dir_count + minifat_count + ministream_count + sum(big_counts)
    fat_count = 1
    while fat_count * 128 < fat_count + others:
        fat_count += 1

    fat, cursor = [FATSECT] * fat_count, fat_count

    def chain(count):
        nonlocal cursor
        start = cursor
        fat.extend(list(range(cursor + 1, cursor + count)) + [ENDOFCHAIN] if count else [])
        cursor += count
        return start if count else ENDOFCHAIN

    dir_start = chain(dir_count)
    minifat_start = chain(minifat_count)
    ministream_start = chain(ministream_count)
    big_start = {path: chain(count) for path, count in zip(big, big_counts, strict=True)}
    fat.extend([FREESECT] * (fat_count * 128 - len(fat)))

    def linked(names, prefix=""):
        """Right-sibling chain in ascending order: a valid (if unbalanced) search tree."""
        return {f"{prefix}{n}": (ids[f"{prefix}{names[i + 1]}"] if i + 1 < len(names) else NOSTREAM)
                for i, n in enumerate(names)}

    right = linked(top)
    for name, kids in children.items():
        right.update(linked(kids, prefix=f"{name}/"))
    entries = [_entry("Root Entry", 5, child=ids[top[0]], start=ministream_start if ministream else ENDOFCHAIN,
                      size=len(ministream))]
    for path in paths:
        name = path.split("/")[-1]
        if path in streams:
            start = mini_start[path] if path in mini_start else big_start[path]
            entries.append(_entry(name, 2, right=right[path], start=start, size=len(streams[path])))
        else:
            kids = children[path]
            entries.append(_entry(name, 1, right=right[path], child=ids[f"{path}/{kids[0]}"]))
    while len(entries) % 4:
        entries.append(_entry("", 0))

    difat = list(range(fat_count)) + [FREESECT] * (109 - fat_count)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, MINI_CUTOFF,
                            minifat_start if minifat else ENDOFCHAIN, minifat_count, ENDOFCHAIN, 0)
              + struct.pack("<109I", *difat))
    body = struct.pack(f"<{len(fat)}I", *fat)
    body += b"".join(entries).ljust(dir_count * SECTOR, b"\0")
    body += struct.pack(f"<{len(minifat)}I", *minifat).ljust(minifat_count * SECTOR, b"\xff")
    body += ministream.ljust(ministream_count * SECTOR, b"\0")
    for path, count in zip(big, big_counts, strict=True):
        body += streams[path].ljust(count * SECTOR, b"\0")
    return header + body


def hwp_record(tag: int, payload: bytes, level: int = 0) -> bytes:
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(payload)) + payload
    return struct.pack("<I", tag | (level << 10) | (len(payload) << 20)) + payload


def hwp_para_text(text: str, *, with_control: bool = False) -> bytes:
    """PARA_TEXT payload: UTF-16LE text, optionally preceded by an 8-unit extended control (a table anchor),
    ending with the paragraph break (13)."""
    units = b""
    if with_control:
        units += struct.pack("<8H", 11, *struct.unpack("<2H", b"lbt "), 0, 0, 0, 0, 11)
    return units + text.encode("utf-16-le") + struct.pack("<H", 13)


def _hwp_paragraph(text: str, level: int, *, with_control: bool = False) -> bytes:
    return (hwp_record(66, struct.pack("<IIHBB", len(text) + 1, 0, 0, 0, 0), level=level)  # PARA_HEADER
            + hwp_record(67, hwp_para_text(text, with_control=with_control), level=level + 1)
            + hwp_record(68, struct.pack("<II", 0, 0), level=level + 1))  # PARA_CHAR_SHAPE


def hwp_table(rows: list[list[str]]) -> bytes:
    """A paragraph anchoring a table: CTRL_HEADER 'tbl ', TABLE (rows, columns), then per cell a LIST_HEADER
    (paragraph count, properties, column, row, spans) and the cell's paragraph one level down."""
    records = (hwp_record(66, struct.pack("<IIHBB", 9, 0, 0, 0, 0))
               + hwp_record(67, struct.pack("<8H", 11, *struct.unpack("<2H", b" lbt"), 0, 0, 0, 0, 11)
                            + struct.pack("<H", 13), level=1)
               + hwp_record(71, b" lbt" + b"\0" * 42, level=1)
               + hwp_record(77, struct.pack("<IHH", 0, len(rows), len(rows[0])) + b"\0" * 12, level=2))
    for row_number, row in enumerate(rows):
        for column, text in enumerate(row):
            records += hwp_record(72, struct.pack("<hIHHHH", 1, 0, column, row_number, 1, 1) + b"\0" * 22, level=2)
            records += _hwp_paragraph(text, 2)
    return records


def hwp_section(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    records = b"".join(_hwp_paragraph(text, 0, with_control=number == 0) for number, text in enumerate(paragraphs))
    if table:
        records += hwp_table(table) + _hwp_paragraph("", 0)
    return records


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def hwp_bytes(sections: list[list[str]], *, password: bool = False, compressed: bool = True,
              table: list[list[str]] | None = None) -> bytes:
    """A HWP 5.1 document (FileHeader, DocInfo, BodyText/SectionN), compressed like 한글 saves it."""
    flags = (1 if compressed else 0) | (2 if password else 0)
    file_header = (b"HWP Document File".ljust(32, b"\0") + bytes([1, 0, 1, 5]) + struct.pack("<I", flags)
                   ).ljust(256, b"\0")
    streams = {"FileHeader": file_header,
               "DocInfo": _deflate(hwp_record(16, struct.pack("<H", 1))) if compressed else hwp_record(16, b"\1\0")}
    for number, paragraphs in enumerate(sections):
        raw = hwp_section(paragraphs, table=table if number == 0 else None)
        streams[f"BodyText/Section{number}"] = _deflate(raw) if compressed else raw
    return compound_file(streams)
