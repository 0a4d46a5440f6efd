"""Plain text (UTF-8 or CP949/EUC-KR, detected), Markdown and HTML (text only, sanitised)."""

from html.parser import HTMLParser

from django.utils.translation import gettext as _

from documents.errors import ExtractionError
from documents.extraction import Extracted, Segment

BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
              "table", "blockquote", "pre", "hr", "header", "footer", "dd", "dt"}
HTML_ALLOWED_TAGS = BLOCK_TAGS | {"tr", "td", "th", "thead", "tbody", "span", "strong", "em", "b", "i", "a", "code"}


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, then CP949, then a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError(_("텍스트 인코딩을 알아낼 수 없습니다. UTF-8로 저장해 다시 올려 주세요."))
    return str(best), best.encoding


def extract_txt(fileobj) -> Extracted:
    text, encoding = decode_text(fileobj.read())
    return Extracted(segments=[Segment(text=text)], metadata={"encoding": encoding})


def extract_markdown(fileobj) -> Extracted:
    text, encoding = decode_text(fileobj.read())
    segments, section, lines = [], "", []
    for line in text.splitlines():
        if line.startswith("#"):
            if any(item.strip() for item in lines):
                segments.append(Segment(text="\n".join(lines), section=section[:200]))
            lines = []
            section = line.lstrip("#").strip()
        lines.append(line)
    if any(item.strip() for item in lines):
        segments.append(Segment(text="\n".join(lines), section=section[:200]))
    return Extracted(segments=[_strip_inline_html(s) for s in segments], metadata={"encoding": encoding})


def _strip_inline_html(segment: Segment) -> Segment:
    if "<" not in segment.text:
        return segment
    return Segment(text=html_to_text(segment.text), page=segment.page, section=segment.section)


HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.row = [], [], None
        self.heading_lines: set[int] = set()  # indexes in self.lines of h1-h6 text

    def _break(self):
        if "".join(self.current).strip():
            self.lines.append(" ".join("".join(self.current).split()))
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._break()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self._break()
        elif tag in BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append(" ".join("".join(self.current).split()))
            self.current = []
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append(" | ".join(self.row))
            self.row = None
        elif tag in HEADING_TAGS:
            before = len(self.lines)
            self._break()
            if len(self.lines) > before:
                self.heading_lines.add(before)
        elif tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        self.current.append(data)

    def text(self):
        self._break()
        return "\n".join(self.lines)


def _collect(markup: str) -> _TextCollector:
    import nh3

    cleaned = nh3.clean(markup, tags=HTML_ALLOWED_TAGS, attributes={}, link_rel=None)
    collector = _TextCollector()
    collector.feed(cleaned)
    collector.close()
    collector.text()
    return collector


def html_to_text(markup: str) -> str:
    return "\n".join(_collect(markup).lines)


def extract_html(fileobj) -> Extracted:
    """One segment per h1-h6 heading (the heading is its section), like Markdown."""
    markup, encoding = decode_text(fileobj.read())
    collector = _collect(markup)
    segments, section, lines = [], "", []
    for number, line in enumerate(collector.lines):
        if number in collector.heading_lines:
            if lines:
                segments.append(Segment(text="\n".join(lines), section=section[:200]))
            section, lines = line, []
        lines.append(line)
    if lines:
        segments.append(Segment(text="\n".join(lines), section=section[:200]))
    return Extracted(segments=segments or [Segment(text="")], metadata={"encoding": encoding})
