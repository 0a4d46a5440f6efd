"""Split text into passages: Kiwi sentences packed to about CHUNK_TARGET_CHARS, one sentence of overlap.

Lines are split first (a table row or a list item is never glued to the next line), then Kiwi finds
sentence boundaries inside each line. A passage never cuts a sentence, unless that one sentence is
longer than the target on its own; it is then cut at spaces near the limit.
"""

from dataclasses import dataclass

from documents.korean import split_sentences


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


def pack(text: str, target: int) -> list[Span]:
    """Passages of `text` as character spans of about `target` characters, overlapping by one sentence."""
    units = []
    for span in sentence_spans(text):
        units.extend(_cut_long(text, span, target) if span.end - span.start > target else [span])
    passages, current = [], []
    for unit in units:
        if current and unit.end - current[0].start > target:
            passages.append(Span(current[0].start, current[-1].end))
            last = current[-1]
            current = [last] if len(current) > 1 and unit.end - last.start <= target else []
        current.append(unit)
    if current:
        passages.append(Span(current[0].start, current[-1].end))
    return passages
