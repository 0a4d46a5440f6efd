"""Split text into passages: Kiwi sentences packed to about CHUNK_TARGET_CHARS, one sentence of overlap.

Lines are split first (a table row or a list item is never glued to the next line), then Kiwi finds
sentence boundaries inside each line. A passage never cuts a sentence, unless that one sentence is
longer than the target on its own; it is then cut at spaces near the limit. A heading line (`heading_lines`)
starts a new passage, so a passage belongs to one section; headings that follow each other stay together.
"""

import re
from dataclasses import dataclass

from core.text import split_sentences

HEADING_MAX_CHARS = 40
# Heading shapes of Korean product documents, 허가사항 and manuals: "제2장 용법", "1. 개요", "2.3 보관", "가. 성인",
# "IV. 주의사항", "[효능·효과]", "【사용상의 주의사항】", "■ 보관 방법", "# 제목" (Markdown).
HEADING = re.compile(
    r"^(?:제\s*\d+\s*[장절편관부]\s*\S.*"
    r"|\d{1,2}\.(?:\d{1,2}\.?){0,3}\s+\S.*"
    r"|[가-하]\.\s*\S.*"
    r"|[IVX]{1,4}\.\s+\S.*"
    r"|[\[【〔《<]\s*[^\]】〕》>]{1,38}[\]】〕》>]"
    r"|[■□◆◇▶▷●○◎]\s*\S.*"
    r"|#{1,6}\s+\S.*)$")
# A short line that ends like a sentence or holds a value ("가. 성인: 1일 10mg") is content, not a heading.
NOT_HEADING_END = re.compile(r"(?:[.!?。:;,]|다|음|함|됨)$")


def is_heading(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > HEADING_MAX_CHARS or " | " in line or ":" in line:
        return False
    return bool(HEADING.match(line)) and not NOT_HEADING_END.search(line)


def heading_name(line: str) -> str:
    """The heading as a section name: markers of Markdown and brackets removed."""
    return line.strip().lstrip("#■□◆◇▶▷●○◎").strip().strip("[]【】〔〕《》<>").strip()


# A line printed after a full-width line that did not end a sentence continues that sentence (a wrapped PDF
# line such as "다. 그 후 1950년에"), so it is not a heading.
ENDS_SENTENCE = re.compile(r"""[.!?。)\]"'」』]$""")


def headings(text: str) -> list[tuple[int, str]]:
    """(offset of the line, section name) of every heading line in `text`."""
    lines = text.split("\n")
    full_width = 0.8 * max(len(line.strip()) for line in lines)
    found, offset, previous = [], 0, ""
    for line in lines:
        wrapped = len(previous) >= full_width and not ENDS_SENTENCE.search(previous)
        if not wrapped and is_heading(line):
            found.append((offset, heading_name(line)))
        offset += len(line) + 1
        previous = line.strip()
    return found


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentence_spans(text: str) -> list[Span]:
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            for sentence in split_sentences(line):
                spans.append(Span(offset + sentence.start, offset + sentence.end))
        offset += len(line) + 1
    return spans


def _cut_long(text: str, span: Span, target: int) -> list[Span]:
    pieces, start = [], span.start
    while span.end - start > target:
        cut = text.rfind(" ", start + target // 2, start + target)
        cut = cut if cut > start else start + target
        pieces.append(Span(start, cut))
        start = cut
        while start < span.end and text[start] == " ":
            start += 1
    if start < span.end:
        pieces.append(Span(start, span.end))
    return pieces


TITLE_MAX_CHARS = 40


def _holds_content(current: list[Span], breaks: set[int], title_chars: int) -> bool:
    if all(unit.start in breaks for unit in current):
        return False
    if not any(unit.start in breaks for unit in current) and current[0].start == 0:
        return current[-1].end > title_chars
    return True


def pack(text: str, target: int, *, breaks=(), title_chars: int = 0) -> list[Span]:
    """Passages of `text` as character spans of about `target` characters, overlapping by one sentence.

    `breaks`: offsets (heading lines) where a new passage starts, without overlap, unless the passage so far
    holds only such lines or is a title of at most `title_chars` characters at the start of `text`.
    """
    breaks = set(breaks)
    units = []
    for span in sentence_spans(text):
        units.extend(_cut_long(text, span, target) if span.end - span.start > target else [span])
    passages, current = [], []
    for unit in units:
        new_section = unit.start in breaks and _holds_content(current, breaks, title_chars)
        if current and (new_section or unit.end - current[0].start > target):
            passages.append(Span(current[0].start, current[-1].end))
            last = current[-1]
            keep = not new_section and len(current) > 1 and unit.end - last.start <= target
            current = [last] if keep else []
        current.append(unit)
    if current:
        passages.append(Span(current[0].start, current[-1].end))
    return passages
