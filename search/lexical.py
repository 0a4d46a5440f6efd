"""The lexical side of a query: Kiwi morphemes, drug-name synonyms and exact codes, as one tsquery.

- Every meaningful morpheme of the query is an alternative (OR), as in the chunk tsvector.
- A drug name found in the synonym dictionary adds every other name of that drug as a phrase.
- Product codes, EDI codes and numbers with units ("ATV-10", "641900010", "10mg") must match exactly:
  they become required phrases (AND) on both legs, so a passage about another code is never returned.
"""

import re
from dataclasses import dataclass, field

from core.text import FUNCTION_WORDS, lexical_terms

# Tokens with a digit that are either mixed letters+digits (codes, doses) or at least 4 characters long.
# A code, a number with its unit or a combined strength ("40/5mg": one token for Kiwi, so one code here).
CODE_PATTERN = re.compile(r"(?<![\w./-])(?=[\w./-]*\d)[A-Za-z0-9][A-Za-z0-9./\-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class LexicalQuery:
    terms: tuple[str, ...]
    required: tuple[tuple[str, ...], ...] = ()  # phrases (morpheme sequences) that must all match
    synonyms: tuple[tuple[str, ...], ...] = ()  # alternative phrases from the synonym dictionary
    highlight_words: tuple[str, ...] = field(default=())

    def tsquery(self) -> str:
        """A to_tsquery('simple', ...) expression, or '' when there is nothing to match."""
        alternatives = [_quote(t) for t in self.terms] + [_phrase(p) for p in self.synonyms]
        parts = ["(" + " | ".join(alternatives) + ")"] if alternatives else []
        parts.extend(_phrase(p) for p in self.required)
        return " & ".join(parts)

    def required_tsquery(self) -> str:
        return " & ".join(_phrase(p) for p in self.required)


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _phrase(terms: tuple[str, ...]) -> str:
    return "(" + " <-> ".join(_quote(t) for t in terms) + ")" if len(terms) > 1 else _quote(terms[0])


def phrase_tsquery(terms: tuple[str, ...]) -> str:
    return _phrase(terms)


def extract_codes(query: str) -> list[str]:
    codes = []
    for match in CODE_PATTERN.finditer(query):
        token = match.group(0)
        if any(c.isalpha() for c in token) or sum(c.isdigit() for c in token) >= 4:
            codes.append(token)
    return codes


def analyse(query: str, *, synonyms=None) -> LexicalQuery:
    """`synonyms`: a callable(query) -> list of alternative names (defaults to the dictionary in the DB)."""
    if synonyms is None:
        from search.synonyms import expansions as synonyms
    all_terms = set(lexical_terms(query))
    terms = tuple(sorted(all_terms - FUNCTION_WORDS or all_terms))
    required = []
    for code in extract_codes(query):
        code_terms = tuple(lexical_terms(code))
        if code_terms and code_terms not in required:
            required.append(code_terms)
    alternatives = []
    names = synonyms(query)
    for name in names:
        name_terms = tuple(lexical_terms(name))
        if name_terms and name_terms not in alternatives:
            alternatives.append(name_terms)
    words = {t for t in terms if len(t) > 1 or not t.isascii()} | set(extract_codes(query)) | set(names)
    return LexicalQuery(terms=terms, required=tuple(required), synonyms=tuple(alternatives),
                        highlight_words=tuple(sorted(words, key=len, reverse=True)))
