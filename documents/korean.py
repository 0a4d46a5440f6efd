"""Korean text analysis with Kiwi: sentence splitting and lexical terms for the tsvector.

Kiwi takes a few seconds to load its model, so it is created once per process, on first use.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

# Nouns, verb and adjective stems, roots, determiners, foreign words, Chinese characters and numbers.
# Particles (J*), endings (E*), suffixes and punctuation are left out so "콜레스테롤을" matches "콜레스테롤".
# W_SERIAL: strengths and codes such as "40/5" (트윈스타정 40/5mg), which Kiwi reads as one token.
LEXICAL_TAG_PREFIXES = ("NN", "NR", "NP", "VV", "VA", "XR", "MM", "SL", "SN", "SH", "W_SERIAL")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def lexical_terms(text: str) -> list[str]:
    """Lower-cased Kiwi morphemes that carry meaning, in order (duplicates kept)."""
    if not text or not text.strip():
        return []
    return [token.form.lower() for token in kiwi().tokenize(text) if token.tag.startswith(LEXICAL_TAG_PREFIXES)]


def lexical_document(text: str) -> str:
    """The space-joined terms to feed to to_tsvector('simple', ...)."""
    return " ".join(lexical_terms(text))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their character offsets in `text`."""
    if not text or not text.strip():
        return []
    return [Sentence(s.text, s.start, s.end) for s in kiwi().split_into_sents(text)]


# Sentence ends: . ! ? (and their full-width forms) followed by white space, or a line break.
_QUICK_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\s*\n+\s*")


def quick_sentences(text: str) -> list[str]:
    """Sentences split on punctuation and line breaks, without Kiwi.

    For query time (answers built from passages that were already split by Kiwi at indexing): Kiwi costs
    15-20 ms per 500-character passage on a 2-core CPU, which alone would exceed the search latency budget.
    """
    return [part.strip() for part in _QUICK_SENTENCE_END.split(text or "") if part and part.strip()]
