"""Server-side citation check: every [n] in an answer must name a source given for this answer.

`CitationFilter` works on a stream: it holds back a possibly unfinished marker ("[1", "[12,") until it
is complete, so what is sent to the client and what is stored are the same checked text. Invalid
numbers are dropped and counted; "[1, 2]" is written as "[1][2]".
"""

import re

MARKER = re.compile(r"\[(\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*)\]")
# An opening bracket that may still become a marker once more text arrives.
PENDING = re.compile(r"\[[\d,\s]{0,15}$")


class CitationFilter:
    def __init__(self, valid_numbers):
        self.valid = set(valid_numbers)
        self.removed = 0
        self.invalid: list[int] = []
        self.cited: list[int] = []
        self._buffer = ""

    def _rewrite(self, match: re.Match) -> str:
        numbers = [int(part) for part in match.group(1).split(",")]
        kept = []
        for number in numbers:
            if number in self.valid:
                if number not in kept:
                    kept.append(number)
            else:
                self.removed += 1
                self.invalid.append(number)
        for number in kept:
            if number not in self.cited:
                self.cited.append(number)
        return "".join(f"[{number}]" for number in kept)

    def feed(self, text: str) -> str:
        """Checked text that is safe to send now."""
        self._buffer += text
        pending = PENDING.search(self._buffer)
        if pending:
            ready, self._buffer = self._buffer[:pending.start()], self._buffer[pending.start():]
        else:
            ready, self._buffer = self._buffer, ""
        return MARKER.sub(self._rewrite, ready)

    def discard_pending(self) -> None:
        """Forget an unfinished marker (the stream it came from was abandoned)."""
        self._buffer = ""

    def finish(self) -> str:
        rest, self._buffer = self._buffer, ""
        return MARKER.sub(self._rewrite, rest)


def check_citations(text: str, valid_numbers) -> tuple[str, int, list[int]]:
    """(checked text, number of invalid citations removed, cited numbers in order of first use)."""
    citation_filter = CitationFilter(valid_numbers)
    checked = citation_filter.feed(text) + citation_filter.finish()
    return checked, citation_filter.removed, citation_filter.cited
