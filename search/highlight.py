"""Highlighted fragments of a passage: HTML-escaped text with <mark> around the query's words."""

import re
from html import escape

FRAGMENT_RADIUS = 60
MAX_FRAGMENTS = 3


def highlight(text: str, words: tuple[str, ...] | list[str]) -> list[str]:
    words = [w for w in words if w and w.strip()]
    if not words or not text:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)), re.IGNORECASE)
    matches = list(pattern.finditer(text))
    if not matches:
        return []
    windows: list[list[int]] = []
    for match in matches:
        start, end = max(0, match.start() - FRAGMENT_RADIUS), min(len(text), match.end() + FRAGMENT_RADIUS)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    fragments = []
    for start, end in windows[:MAX_FRAGMENTS]:
        piece, out, cursor = text[start:end], [], 0
        for match in pattern.finditer(piece):
            out.append(escape(piece[cursor:match.start()]))
            out.append(f"<mark>{escape(match.group(0))}</mark>")
            cursor = match.end()
        out.append(escape(piece[cursor:]))
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        fragments.append(prefix + "".join(out).strip() + suffix)
    return fragments
