"""Extractive answers: the most relevant sentences of the top passages, each with a numbered citation.

`compose_extractive_answer(query, hits) -> (text, cited)`: `hits` is the ranked list the caller returns
(SearchHit or anything with a `.text`); a citation [n] refers to hits[n - 1], and `cited` lists the
n's used, ascending. Nothing outside `hits` can be cited. Reusable by chat's extractive provider.

Only the query goes through Kiwi here: the passages are split on punctuation and their sentences scored by
the query's morphemes found in them (Korean nouns and stems appear verbatim), because Kiwi on three passages
costs more than the whole retrieval (see docs/notes/issue-5.md).
"""

import math
import re

from django.utils.translation import gettext as _

from documents.korean import lexical_terms, quick_sentences

MAX_SENTENCES = 3
PASSAGES_CONSIDERED = 3
MAX_SENTENCE_CHARS = 400
SENTENCE_ENDING = re.compile(r"[.!?。！？…]['\"”’)]*$|[다요죠음함임됨]$")


def compose_extractive_answer(query: str, hits, *, max_sentences: int = MAX_SENTENCES,
                              passages: int = PASSAGES_CONSIDERED) -> tuple[str, list[int]]:
    if not hits:
        return _("검색 결과가 없습니다. 다른 표현이나 제품명으로 다시 검색해 보세요."), []
    query_terms = _matchable_terms(query)
    candidates = []  # (score, hit number, sentence position, sentence)
    for n, hit in enumerate(hits[:passages], start=1):
        for position, text in enumerate(quick_sentences(hit.text)):
            if len(text) < 2:
                continue
            lowered = text.lower()
            overlap = sum(1 for term in query_terms if term in lowered)
            score = overlap / math.sqrt(len(text.split()) + 1) + 0.05 / n
            candidates.append((score, n, position, text))
    # Headings, titles and table rows (line fragments without a sentence ending) only when nothing else is left.
    candidates = [c for c in candidates if SENTENCE_ENDING.search(c[3])] or candidates
    chosen = [c for c in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])) if c[0] > 0.05 / c[1]][:max_sentences]
    if not chosen and candidates:
        chosen = [min(candidates, key=lambda c: (c[1], c[2]))]
    chosen.sort(key=lambda c: (c[1], c[2]))
    parts = []
    for _score, n, _position, text in chosen:
        if len(text) > MAX_SENTENCE_CHARS:
            text = text[:MAX_SENTENCE_CHARS].rstrip() + "…"
        parts.append(f"{text} [{n}]")
    return " ".join(parts), sorted({n for _s, n, _p, _t in chosen})


def _matchable_terms(query: str) -> set[str]:
    """The query's morphemes; one-letter ones only when there is nothing else (as substrings they match inside
    unrelated words)."""
    terms = set(lexical_terms(query))
    return {t for t in terms if len(t) > 1} or terms
