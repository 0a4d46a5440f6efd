"""The lexical side of a query: Kiwi morphemes, drug-name synonyms and exact codes, as one tsquery.

- Every meaningful morpheme of the query is an alternative (OR), as in the chunk tsvector.
- A drug name found in the synonym dictionary adds every other name of that drug as a phrase.
- Product codes, EDI codes, lot numbers and strengths ("ATV-10", "641900010", "LT2301A", "10mg", "40/5mg") must
  match exactly: they become required phrases (AND) on both legs, so a passage about another code is never
  returned. Years ("1984년", "2023"), dates, quantities ("3km", "300명", "10000원"), ordinals ("19th") and short
  names such as "S8" or "B12" are not codes: they stay ordinary words of the query, since a passage may state
  them otherwise ("1984년" as "1984년도", "S8" as "갤럭시 S8") or be the answer without them.
"""

import re
from dataclasses import dataclass, field

from core.text import FUNCTION_WORDS, lexical_terms
from search.synonyms import expansions

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


# Units of a strength or concentration: "10mg", "0.5mg/mL", "40/5mg", "100IU" are codes; "3km", "60kg" are not.
STRENGTH_UNIT = re.compile(r"(?:mg|mcg|ug|g|ml|iu|meq|mmol)(?:/(?:ml|dl|l|kg|m2|day|일))*", re.IGNORECASE)
NUMBER_WITH_UNIT = re.compile(r"(\d+(?:[.,/]\d+)*)([A-Za-z][A-Za-z/0-9]*)")
# A year, a date or a span of years: 1984, 2023-03-01, 1950-1953, 2025.3.1.
DATE = re.compile(r"(?:19|20)\d\d(?:[-./](?:\d{1,2}|(?:19|20)\d\d)){0,2}")
DECIMAL = re.compile(r"\d+\.\d+")
# Particles after a code ("641601570의 약가"); any other Hangul right after a number is a counter or unit
# ("300명", "1984년", "10만"), so the number is a quantity.
PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "로", "으로", "에", "와", "과", "도", "까지", "부터", "번")
MIN_NUMERIC_CODE_DIGITS = 6  # EDI/보험코드 have 9, product codes 6 or more
MIN_MIXED_CODE_LENGTH = 4  # "ATV-10", "CYP3A4", "LT2301A"; not "S8", "B12"


def is_code(token: str, following: str = "") -> bool:
    """Whether a token with a digit (from CODE_PATTERN) names one thing exactly; `following` is the query after it."""
    if not any(c.isalpha() for c in token):
        if DATE.fullmatch(token) or DECIMAL.fullmatch(token):
            return False
        if following[:1] and "가" <= following[0] <= "힣" and not following.startswith(PARTICLES):
            return False
        return sum(c.isdigit() for c in token) >= MIN_NUMERIC_CODE_DIGITS or (
            any(c in "-/" for c in token) and sum(c.isdigit() for c in token) >= 4)
    quantity = NUMBER_WITH_UNIT.fullmatch(token)
    if quantity:
        return bool(STRENGTH_UNIT.fullmatch(quantity.group(2)))
    return len(token) >= MIN_MIXED_CODE_LENGTH


def extract_codes(query: str) -> list[str]:
    return [match.group(0) for match in CODE_PATTERN.finditer(query)
            if is_code(match.group(0), query[match.end():])]


def analyse(query: str, *, synonyms=None) -> LexicalQuery:
    """`synonyms`: a callable(query) -> list of alternative names (defaults to the dictionary in the DB)."""
    synonyms = synonyms or expansions
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
