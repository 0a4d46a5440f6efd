"""The answer composer: reads the evidence (ranked passages) for what the question asks, used by search's
`answer` and by chat (its extractive provider, and the decision whether the LLM is asked at all).

`compose(question_text, passages) -> Answer` in four steps:
1. understand the question (search/question.py): products, asked attributes, strengths and codes, subjects;
2. read the passages into units a rep can be shown: sentences, list items and table rows (a row carries its
   column headers); question sentences (FAQ "Q." lines, lines ending in ?/나요/까요), bare headings and table
   headers are never units, but they are the context (with the title and `section`) of what follows them;
3. keep the units about the asked product (never another product's, unless the question compares them)
   that state the asked attributes, and score them (product, attribute, subjects, numbers, dense score);
4. decide answerability from that evidence: the product must be found, the asked attributes stated for it,
   and an unspecific question must share its subjects with the evidence; otherwise say what was not found
   and cite nothing.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from search.question import (LATIN_NAME, STRENGTH, Product, Question, combination_words, compact, dictionaries,
                             fold, products_named_in, transliterated, understand)

PASSAGES_READ = 6
MAX_QUOTES = 3
MAX_QUOTE_CHARS = 300
# Thresholds set from the score distributions of bench/data/answers (dev split): see docs/notes/issue-15.md.
SUBJECT_COVERAGE_MIN = 0.5  # share of an unspecific question's subjects the answering unit (or its context) must hold
OFF_TOPIC_DENSE_MIN = 0.84  # below this e5 similarity (answerable dev questions: min 0.845), partial overlap is no evidence
EXTRA_QUOTE_RATIO = 0.9
# The people and places of a rep's work: a question naming them is about the work, whatever words it uses.
WORKPLACE_WORDS = frozenset({"의사", "선생님", "교수", "교수님", "원장", "원장님", "약사", "간호사", "보건의료인", "의료인",
                             "의료진", "병원", "의원", "약국", "거래처", "회사", "영업사원", "직원", "사원", "고객", "환자"})
# Nouns of any question about a medicine: holding them says nothing about what was asked.
GENERIC_SUBJECTS = frozenset({"복용", "투여", "사용", "환자", "약", "경우", "방법", "때", "정도", "문제", "제품", "의약품"})  # a further quote must score this close to the best one

QUESTION_PREFIX = re.compile(r"^\s*(?:Q\s*[.:)]|Q\d*\s|질문\s*[.:)]?|문제\s*\d*\s*[.:)])\s*", re.IGNORECASE)
ANSWER_PREFIX = re.compile(r"^\s*(?:A\s*[.:)]|답\s*[.:)]|답변\s*[.:)]|정답\s*[.:)])\s*", re.IGNORECASE)
QUESTION_ENDING = re.compile(r"(?:\?|？|나요|까요|습니까|ㄴ가요|는가요|인가요|은가요|할까|을까|일까|나|니|죠)\s*[.?？]*$")
SENTENCE_ENDING = re.compile(r"[.!。！…]['\"”’)]*$|(?<!마)(?<!보)[다요죠음함임됨]\s*[.)]?$")  # not "3일마다", "…보다"
SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])\s+(?=\S)")
BULLET = re.compile(r"^\s*(?:[-•*·▪︎◦]|\d{1,2}[.)]|[①-⑳]|[가-하][.)])\s+")
HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")


@dataclass(frozen=True)
class Passage:
    """One ranked passage given to the composer; `n` is the number an answer cites it by."""

    n: int
    text: str
    title: str = ""
    section: str = ""
    dense_score: float | None = None
    document_id: str = ""


@dataclass(frozen=True)
class Unit:
    n: int
    rank: int
    position: int
    text: str  # what is matched: the sentence, or the row with its headers
    context: str  # title, section, the heading or FAQ question above it
    header: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    paragraph: str = ""  # the line a sentence is in: "판토록정 40mg은 … . 인하 전 약가로 …" share what they are about


@dataclass
class Answer:
    answerable: bool
    reason: str  # answered | no_results | product_not_found | attribute_not_found | off_topic
    question: Question
    quotes: list[tuple[str, int]] = field(default_factory=list)  # (text, passage number)
    message: str = ""  # what was not found, when not answerable
    related: list[str] = field(default_factory=list)  # titles of documents about the product (near misses)
    confidence: float = 0.0
    considered: list[int] = field(default_factory=list)  # passage numbers that hold units about the question

    @property
    def cited(self) -> list[int]:
        return sorted({n for _text, n in self.quotes})

    def inline(self) -> str:
        """The search API's form: quotes one after another, each with its [n]."""
        if not self.answerable:
            return self.message
        return " ".join(f"{text} [{n}]" for text, n in self.quotes)

    def lines(self) -> list[str]:
        """Chat's form: a lead line, then one quote per line."""
        if not self.answerable:
            lines = [self.message]
            if self.related:
                lines.append(_("관련 문서(이 질문의 답은 아님): %(titles)s") % {"titles": ", ".join(self.related)})
            return lines
        return [_("문서에 따르면 다음과 같습니다.")] + [f"- {text} [{n}]" for text, n in self.quotes]


def passages_from_hits(hits, *, first: int = 1) -> list[Passage]:
    return [Passage(n=n, text=hit.text, title=getattr(hit, "document_title", ""), section=getattr(hit, "section", ""),
                    dense_score=getattr(hit, "dense_score", None), document_id=str(getattr(hit, "document_id", "")))
            for n, hit in enumerate(hits, start=first)]


# -- reading passages into units ------------------------------------------------------------------------------

def is_question_sentence(text: str) -> bool:
    return bool(QUESTION_PREFIX.match(text)) or bool(QUESTION_ENDING.search(text.strip()))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_header(cells: list[str], following: list[str] | None = None) -> bool:
    """No figures at all ("제품명 | 함량 | 보험약가"), or a word where the row below starts with one ("체중 | 1회
    용량(1일 2회)" over "15kg 이하 | 30mg")."""
    if not any(re.search(r"\d", cell) for cell in cells):
        return True
    return bool(following) and len(following) == len(cells) and not re.search(r"\d", cells[0]) and bool(
        re.search(r"\d", following[0]))


def _is_heading(text: str) -> bool:
    """A line that names what follows instead of stating something: short, no sentence ending, not a list item."""
    return bool(HEADING_MARK.match(text)) or (
        len(text) <= 40 and not SENTENCE_ENDING.search(text) and not BULLET.match(text) and ":" not in text
        and not re.search(r"\d", text))


def _faq_label(question: str) -> str:
    label = QUESTION_PREFIX.sub("", question).strip()
    return re.sub(r"(?:은|는|이|가)?\s*(?:무엇인가요|뭔가요|얼마인가요|인가요|나요|까요|입니까|습니까)?\s*[?？]+$", "", label).strip()


def _unwrapped_lines(text: str) -> list[str]:
    """Lines with hard-wrapped sentences joined again (PDF pages break lines at the page width)."""
    lines = []
    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line:
            continue
        previous = lines[-1] if lines else ""
        # A number broken at the page width ("1회 0." / "125mg씩") is one number.
        broken_number = bool(re.search(r"\d\.$", previous)) and line[0].isdigit() and not BULLET.match(line)
        if broken_number or (previous and len(previous) >= 30 and "|" not in previous and "|" not in line
                and not SENTENCE_ENDING.search(previous) and not previous.endswith(("?", "？", ":"))
                and not HEADING_MARK.match(previous) and not HEADING_MARK.match(line) and not BULLET.match(line)):
            joined_by = "" if broken_number or not (previous[-1].isascii() or line[0].isascii()) else " "
            lines[-1] = previous + joined_by + line
        else:
            lines.append(line)
    return lines


INLINE_HEADING = re.compile(r"^\s*\d{1,2}[.)]\s+((?:[가-힣A-Za-z·]+\s+){1,4}?)(?=[가-힣A-Za-z0-9·]*(?:은|는|이|가|을|를|에|의|과|와|로)\s)")


def _inline_heading(line: str) -> str:
    """The title a numbered PDF section starts its line with ("5. 공황장애 용량 성인은 …" → "공황장애 용량"): the
    words before the first one with a particle. Every sentence of that line is under it."""
    heading = INLINE_HEADING.match(line)
    return heading.group(1).strip() if heading and len(heading.group(1).strip()) >= 2 else ""


def read_units(passage: Passage, rank: int) -> list[Unit]:
    units = []
    heading, faq, header = "", "", None
    title = passage.title.strip()
    base_context = f"{title} {passage.section}".strip()
    position = 0
    lines = _unwrapped_lines(passage.text)
    for index, line in enumerate(lines):
        inline_heading = _inline_heading(line)
        if "|" in line and len(_cells(line)) >= 2:
            cells = _cells(line)
            following = _cells(lines[index + 1]) if index + 1 < len(lines) and "|" in lines[index + 1] else None
            if header is None and _is_header(cells, following):
                header = cells
                continue
            position += 1
            head = tuple(header) if header and len(header) == len(cells) else ()
            matched = " ".join(f"{h} {c}" for h, c in zip(head, cells)) if head else " ".join(cells)
            units.append(Unit(n=passage.n, rank=rank, position=position, text=matched,
                              context=f"{base_context} {heading}", header=head, cells=tuple(cells)))
            continue
        header = None
        if HEADING_MARK.match(line):
            heading, faq = HEADING_MARK.sub("", line).strip(), ""
            if is_question_sentence(heading):
                faq, heading = heading, ""
            continue
        for sentence in SENTENCE_SPLIT.split(line):
            sentence = sentence.strip()
            if len(sentence) < 2 or not re.search(r"[가-힣A-Za-z]", sentence):  # "3." of "3. 이상반응" is no unit
                continue
            answer_part = ANSWER_PREFIX.sub("", sentence)
            if answer_part != sentence:
                sentence = answer_part.strip()
                if len(sentence) < 2:  # "A." alone: the answer follows, still under its question
                    continue
            elif is_question_sentence(sentence):
                faq = sentence
                continue
            elif sentence == title or _is_heading(sentence):
                heading, faq = sentence, ""
                continue
            position += 1
            text = BULLET.sub("", sentence).strip()
            if faq and len(text) < 20:
                text = f"{_faq_label(faq)} — {text}"
            units.append(Unit(n=passage.n, rank=rank, position=position, text=text,
                              context=f"{base_context} {heading} {inline_heading} {faq}".strip(), paragraph=line))
    return units


# -- scoring --------------------------------------------------------------------------------------------------

@dataclass
class _Scored:
    unit: Unit
    score: float
    attributes: set[str]
    subject_share: float
    dense: float
    about: bool
    states_asked_unit: bool = False  # a number in the unit the question asks for ("몇 %" → "50%")
    states_numbers: bool = False  # every measured number of the question ("2주") is in the unit's own text
    specific_share: float = 0.0  # share of the subjects other than GENERIC_SUBJECTS it (or its context) holds


def states(term: str, text_folded: str) -> bool:
    """An evidence term of the lexicon in a text: a substring, or a regular expression written "re:…"."""
    if term.startswith("re:"):
        return _pattern(term[3:]).search(text_folded) is not None
    return term in text_folded


@lru_cache(maxsize=512)
def _pattern(expression: str) -> re.Pattern:
    try:
        return re.compile(expression)
    except re.error:
        return re.compile(re.escape(expression))


def _mentions(text_folded: str, product: Product, *, brand: bool = False) -> bool:
    forms = product.brand_forms if brand else product.forms
    return any(form in text_folded for form in forms)


@lru_cache(maxsize=8)
def _names_pattern(forms: tuple[str, ...]) -> re.Pattern | None:
    """Compiled once per set of names (compiling the alternation of every product name takes milliseconds)."""
    return re.compile("|".join(re.escape(f) for f in forms)) if forms else None


class Catalog:
    """Every product name, found in a text with one regular-expression scan (the composer looks in every
    sentence and context: a loop over all names per sentence would cost more than the answer's budget)."""

    def __init__(self, products: list[Product], question: Question):
        self.by_form: dict[str, list[tuple[Product, bool]]] = {}
        for product in products:
            for form in product.forms:
                self.by_form.setdefault(form, []).append((product, form in product.brand_forms))
        self.pattern = _names_pattern(tuple(sorted(self.by_form, key=lambda f: (-len(f), f))))
        asked_keys = {p.key for p in question.products}
        asked_forms = [f for p in question.products for f in p.forms]
        # Longer names of other products that contain an asked name ("트윈스타플러스정" when "트윈스타" is asked).
        self.masks = sorted({form for product in products if product.key not in asked_keys
                             and not set(product.forms) & set(asked_forms) for form in product.brand_forms
                             if any(a in form and a != form for a in asked_forms)}, key=len, reverse=True)
        self._found: dict[str, list[tuple[Product, bool]]] = {}

    def products_in(self, text: str) -> list[tuple[Product, bool]]:
        """(product, named by its brand) for each product the text names; the longest name at a place wins."""
        folded = fold(text)
        if folded in self._found:
            return self._found[folded]
        found: dict[str, tuple[Product, bool]] = {}
        for match in self.pattern.finditer(folded) if self.pattern else ():
            for product, by_brand in self.by_form[match.group()]:
                if product.key not in found or by_brand and not found[product.key][1]:
                    found[product.key] = (product, by_brand)
        self._found[folded] = list(found.values())
        return self._found[folded]

    def masked(self, text: str) -> str:
        folded = fold(text)
        for form in self.masks:
            folded = folded.replace(form, " ")
        return folded


def _about(unit: Unit, question: Question, catalog: Catalog, passage_text: str) -> bool | None:
    """True: about an asked product; False: no product asked; None: about another product (excluded).

    A unit that names no product is about the product its title, section or heading names, or else the one
    its passage names."""
    if not question.products:
        return False
    asked_keys = {p.key for p in question.products}
    text = catalog.masked(unit.text)
    own_brand = any(_mentions(text, p, brand=True) for p in question.products)
    own_any = own_brand or any(_mentions(text, p) for p in question.products)
    others = [p for p, by_brand in catalog.products_in(unit.text) if p.key not in asked_keys and by_brand]
    context = unit.context
    if not catalog.products_in(context) and not any(_mentions(fold(context), p) for p in question.products):
        context = f"{context} {passage_text}"
    masked_context = catalog.masked(context)
    context_asked = any(_mentions(masked_context, p) for p in question.products)
    context_others = [p for p, by_brand in catalog.products_in(context) if p.key not in asked_keys and by_brand]
    if question.compares:
        return (own_any or context_asked) or None
    if others and not own_brand:
        return None
    if own_brand:
        return True
    if own_any:  # only a shared ingredient: about the asked product unless its passage is about another one
        return None if context_others and not context_asked else True
    if context_others and not context_asked:
        return None
    return context_asked or None


def _render(unit: Unit, question: Question, stated: set[str], evidence: dict[str, tuple[str, ...]]) -> str:
    if not unit.cells:
        text = unit.text
        return text if len(text) <= MAX_QUOTE_CHARS else text[:MAX_QUOTE_CHARS].rstrip() + "…"
    if not unit.header:
        return " · ".join(unit.cells)
    folded_forms = [f for p in question.products for f in p.forms] + question.strengths
    asked = compact(question.text)
    asked_terms = [t for a in question.attributes for t in a.question_terms + a.evidence_terms
                   if len(t) >= 2 and not t.startswith(("re:", "~"))]
    keys, values = [], []
    for index, (head, cell) in enumerate(zip(unit.header, unit.cells)):
        cell_folded = compact(cell)
        # A strength names the row in a product table ("40/5mg" under 함량), not under "1회 용량" (the answer).
        if index == 0 or any(compact(form) in cell_folded for form in folded_forms) or (
                STRENGTH.fullmatch(cell) and any(word in head for word in ("함량", "규격", "제품"))):
            keys.append(cell)
        elif any(states(term, f"{head} {cell}".casefold()) for name in stated for term in evidence[name]) or (
                compact(head) in asked or any(states(term, head.casefold()) for term in asked_terms)):
            values.append(f"{head} {cell}")  # or the column the question names ("1회 용량" for "용량")
    if not values:
        values = [f"{h} {c}" for i, (h, c) in enumerate(zip(unit.header, unit.cells)) if c not in keys and i > 0]
    return f"{' '.join(keys)} — {', '.join(values)}"


# Columns that say which product a row is ("규격 50mg"), not what is stated of it: a price row names a strength
# but states no dose.
IDENTITY_HEADS = ("제품", "품목", "함량", "규격", "포장", "성분")


def _stating_text(unit: Unit) -> str:
    """What a unit states: a row's cells under its headers, only the header word for identity columns."""
    if not unit.header:
        return unit.text
    return " ".join(head if any(word in head for word in IDENTITY_HEADS) else f"{head} {cell}"
                    for head, cell in zip(unit.header, unit.cells))


def _score(unit: Unit, question: Question, about, passage: Passage) -> _Scored:
    text, context = unit.text.casefold(), unit.context.casefold()
    stating = _stating_text(unit).casefold()
    stated = set()
    attribute_score = 0.0
    required = question.required_attributes
    codes_stated = bool(question.codes) and all(c in compact(unit.text) for c in question.codes)
    for attribute in required:
        own_text, own_context = _without(stating, attribute.excluded), _without(context, attribute.excluded)
        if any(states(term, own_text) for term in attribute.evidence_terms) or (
                codes_stated and _asks_code(attribute)):
            stated.add(attribute.name)
            attribute_score += 2.0
        elif any(states(term, own_context) for term in attribute.evidence_terms):
            stated.add(attribute.name)
            attribute_score += 0.8
    if required:
        attribute_score /= len(required)
    subjects = question.subjects
    specific = [s for s in subjects if s not in GENERIC_SUBJECTS]  # what it names besides "문제", "환자"
    specific_share = sum(1 for s in specific if s in text or s in context) / len(specific) if specific else 0.0
    in_text = sum(1 for s in subjects if s in text)
    in_context = sum(1 for s in subjects if s not in text and s in context)
    share = (in_text + in_context) / len(subjects) if subjects else 0.0
    subject_score = (1.5 * in_text + 0.5 * in_context) / len(subjects) if subjects else 0.0
    compact_text = compact(unit.text + " " + unit.context)
    strength_score = 1.5 * sum(1 for s in question.strengths if s in compact_text)
    code_score = 2.0 * sum(1 for c in question.codes if c in compact_text)
    measured = [n for n in question.numbers if not n.isdigit() and n not in question.strengths]  # "2주", not "16mg"
    states_numbers = bool(measured) and all(n in compact(unit.text) for n in measured)
    number_score = sum(1.0 if not n.isdigit() else 0.3 for n in question.numbers if n in compact_text)
    readings = "|".join(map(re.escape, UNIT_READINGS.get(question.asked_unit, (question.asked_unit,))))
    states_asked_unit = bool(question.asked_unit) and bool(re.search(r"\d\s*(?:" + readings + ")", text))
    if states_asked_unit:
        number_score += 1.0
    if question.wanted_figure and re.search(question.wanted_figure, text):
        number_score += 0.8
    number_score += sum(_range_fit(n, unit.text) for n in question.numbers)
    verb_score = min(1.2, 0.6 * sum(1 for v in question.verbs if v in text))
    grams = _question_bigrams(question)
    bigram_score = sum(1 for g in grams if g in compact_text) / len(grams) if grams else 0.0
    dense = passage.dense_score or 0.0
    dense_score = max(0.0, min(1.0, (dense - 0.75) / 0.15))
    # Named in the sentence or established by its context: nearly the same evidence of what it is about.
    about_score = 1.3 if about and any(_mentions(text, p) for p in question.products) else 1.0 if about else 0.0
    length_penalty = 0.3 if len(unit.text) > 250 else 0.0
    score = (about_score + attribute_score + subject_score + strength_score + code_score + number_score
             + verb_score + bigram_score + 0.6 * dense_score + 0.3 / (1 + unit.rank) - length_penalty)
    return _Scored(unit=unit, score=score, attributes=stated, subject_share=share, dense=dense, about=bool(about),
                   states_asked_unit=states_asked_unit, states_numbers=states_numbers, specific_share=specific_share)


# How a number in the asked unit is written: "몇 번" is answered by "1일 2회", "며칠" by "48시간" or "2주".
UNIT_READINGS = {"번": ("회", "번"), "회": ("회", "번"), "일": ("일", "주", "시간", "개월"), "시간": ("시간", "분", "일"),
                 "주": ("주", "일", "개월"), "달": ("개월", "달", "주"), "개월": ("개월", "달", "주", "년"),
                 "년": ("년", "개월"), "정": ("정", "알"), "알": ("정", "알")}
RANGE_UNITS = "kg|세|ml/min|mg/dl|mmhg|cm|%"
BOUND = re.compile(r"(\d+(?:\.\d+)?)\s*(" + RANGE_UNITS + r")\s*(이하|미만|이상|초과)", re.IGNORECASE)
SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*(?:" + RANGE_UNITS + r")?\s*[~∼-]\s*(\d+(?:\.\d+)?)\s*(" + RANGE_UNITS + ")",
                  re.IGNORECASE)
ASKED_VALUE = re.compile(r"(\d+(?:\.\d+)?)(" + RANGE_UNITS + ")", re.IGNORECASE)


def _range_fit(number: str, text: str) -> float:
    """A question's "30kg" against a unit's range ("23kg 초과 40kg 이하", "30~60mL/min", "65세 이상"): 1.0 when the
    unit's bounds in that unit all hold, -0.5 when one fails (a row for another weight), 0 when it has none."""
    asked = ASKED_VALUE.fullmatch(number)
    if asked is None:
        return 0.0
    value, unit = float(asked.group(1)), asked.group(2).casefold()
    checks = []
    for low, high, span_unit in SPAN.findall(text):
        if span_unit.casefold() == unit:
            checks.append(float(low) <= value <= float(high))
    for bound, bound_unit, relation in BOUND.findall(text):
        if bound_unit.casefold() == unit:
            limit = float(bound)
            checks.append({"이하": value <= limit, "미만": value < limit, "이상": value >= limit,
                           "초과": value > limit}[relation])
    if not checks:
        return 0.0
    return 1.0 if all(checks) else -0.5


def _without(text_folded: str, phrases: tuple[str, ...]) -> str:
    for phrase in phrases:
        text_folded = text_folded.replace(phrase, " ")
    return text_folded


def _asks_code(attribute) -> bool:
    """The attribute that asks for a code (보험코드): a row stating the asked code exactly states it, even when
    the row's column headers are in another passage."""
    return any("코드" in term or term == "edi" for term in attribute.evidence_terms)


@lru_cache(maxsize=256)
def _bigrams_of(text: str) -> frozenset[str]:
    grams = set()
    for word in re.findall(r"[가-힣]{2,}", text):
        grams |= {word[i:i + 2] for i in range(len(word) - 1)}
    return frozenset(grams)


def _question_bigrams(question: Question) -> frozenset[str]:
    """Two-letter pieces of the question's own words (product names left out): a tie-breaker that sees
    "정제" and "삼키" where the morphemes differ ("삼켜야" / "삼킵니다")."""
    text = question.text.casefold()
    for product in question.products:
        for form in product.forms:
            text = text.replace(form, " ")
    return _bigrams_of(text)


# -- deciding -------------------------------------------------------------------------------------------------

def compose(question_text: str, passages: list[Passage], *, question: Question | None = None) -> Answer:
    question = question or understand(question_text)
    if not passages:
        return Answer(answerable=False, reason="no_results", question=question,
                      message=_("검색 결과가 없습니다. 다른 표현이나 제품명으로 다시 검색해 보세요."))
    products, _attributes = dictionaries()
    read = _evidence_to_read(passages, question)
    named = products_named_in([f"{p.title}\n{p.text}" for p in read], products)
    by_key = {p.key: p for p in named}
    products = [by_key.pop(p.key, p) for p in products] + list(by_key.values())
    _adopt_named_products(question, named)
    _drop_unread_spellings(question, read)
    catalog = Catalog(products, question)
    units = [(unit, passage) for rank, passage in enumerate(read) for unit in read_units(passage, rank)]

    scored = []
    for unit, passage in units:
        about = _about(unit, question, catalog, passage.text)
        if about is None:
            continue
        scored.append(_score(unit, question, about, passage))

    if question.products:
        texts = [catalog.masked(f"{p.title} {p.section} {p.text}") for p in read]
        missing = [p for p in question.products if not any(_mentions(text, p) for text in texts)]
        if missing:
            return _product_not_found(question, [_written(question, p) for p in missing])
        scored = [s for s in scored if s.about]

    absent = _absent_partners(question, read)
    if absent:
        return _near_miss(question, scored, passages, _("문서에서 %(subject)s · %(partners)s 병용에 대한 내용을 찾지 "
                                                        "못했습니다.") % {"subject": _subject(question),
                                                                       "partners": ", ".join(absent)})

    required = question.required_attributes
    evidence = {a.name: a.evidence_terms for a in required}
    if question.strengths or question.codes:
        exact = [s for s in scored if all(x in compact(f"{s.unit.text} {s.unit.context} {s.unit.paragraph}")
                                          for x in question.strengths + question.codes)]
        if not exact:
            asked = " ".join(question.strengths + question.codes)
            return _near_miss(question, scored, passages, _("%(subject)s %(asked)s에 대한 내용은 문서에 없습니다.")
                              % {"subject": _subject(question), "asked": asked})
        scored = exact
    if required:
        # A unit holding every subject of a question asked in a sentence ("페브릭은 제산제와 같이 먹어도 되나요?")
        # states the attribute in words the lexicon lacks; a keyword question names what it wants.
        complete_ok = (bool(question.products) and not question.keyword_style
                       and bool(set(question.subjects) - GENERIC_SUBJECTS))  # (without a product, a subject may be its name)
        # So does a unit holding every subject and a number in the asked unit ("아보다트 PSA 몇 % 감소" → "PSA
        # 수치가 약 50% 낮아지므로").
        specific = bool(set(question.subjects) - GENERIC_SUBJECTS)
        answering = [s for s in scored if s.attributes or (complete_ok and s.specific_share >= 1.0)
                     or (specific and s.states_asked_unit and s.specific_share >= 1.0)]
        if specific and any(s.specific_share >= 1.0 for s in answering):
            # Units about none of what else the question names ("PSA") are about something else.
            answering = [s for s in answering if s.specific_share > 0]
        covered = set().union(*(s.attributes for s in answering)) if answering else set()
        # Every asked attribute stated; of three or more, one may be a paraphrase the lexicon does not know.
        complete = any(not s.attributes for s in answering)
        if len(covered) < len(required) - (1 if len(required) >= 3 else 0) and not complete:
            labels = _attribute_label(question)
            return _near_miss(question, scored, passages, _("%(subject)s의 %(labels)s에 대한 내용은 문서에 없습니다.")
                              % {"subject": _subject(question), "labels": labels})
        if question.asked_unit and answering:
            # "몇 번 복용하나요?" is answered by a number of times, not by a row that only names the strength.
            answering = [s for s in answering if s.states_asked_unit]
            if not answering:
                return _near_miss(question, scored, passages, _("%(subject)s의 %(labels)s에 대한 내용은 문서에 없습니다.")
                                  % {"subject": _subject(question), "labels": _attribute_label(question)})
        unnamed = _unnamed_subjects(question, read, answering, catalog)
        if unnamed:
            return _product_not_found(question, unnamed)
        if not question.products and answering:
            # Without a product, an attribute alone ("선물", "점심", "언제 해야") is no evidence: the passage must
            # also be about what the question names ("여자친구 크리스마스 선물" is not the gift rule's subject).
            answering = _about_named_subjects(question, answering, read)
            if not answering:
                return _off_topic(question)
        scored = answering
    elif question.subjects:
        # About the asked product, a unit stating the question's own measured numbers answers a sentence
        # question whose words it does not share ("가스모틴 2주 먹었는데도 그대로면" → "2주간 투여한 뒤에도 …").
        answering = [s for s in scored if (s.subject_share >= SUBJECT_COVERAGE_MIN
                     and (s.subject_share >= 1.0 or s.dense >= OFF_TOPIC_DENSE_MIN or question.products))
                     or (question.products and not question.keyword_style and s.states_numbers)]
        unnamed = _unnamed_subjects(question, read, answering, catalog)
        if unnamed:
            return _product_not_found(question, unnamed)
        if not answering:
            if question.products:
                return _near_miss(question, scored, passages, _("%(subject)s의 %(labels)s에 대한 내용은 문서에 없습니다.")
                                  % {"subject": _subject(question), "labels": " ".join(question.subjects)})
            return _off_topic(question)
        scored = answering
    elif not question.products:
        return Answer(answerable=False, reason="off_topic", question=question,
                      message=_("질문에서 찾을 대상(제품명, 항목)을 알아보지 못했습니다. 제품명이나 궁금한 항목을 넣어 "
                                "다시 질문해 주세요."))
    if not scored:
        return Answer(answerable=False, reason="off_topic", question=question,
                      message=_("볼 수 있는 문서에서 이 질문에 답할 내용을 찾지 못했습니다."))

    ranked = sorted(scored, key=lambda s: (-s.score, s.unit.rank, s.unit.position))
    chosen = [ranked[0]]
    covered = set(ranked[0].attributes)
    for candidate in ranked[1:]:
        if len(chosen) >= MAX_QUOTES:
            break
        adds = candidate.attributes - covered
        if adds or candidate.score >= EXTRA_QUOTE_RATIO * ranked[0].score:
            chosen.append(candidate)
            covered |= candidate.attributes
    follower = _details_after(ranked[0], scored, read)
    if follower is not None and follower not in chosen:
        chosen = chosen[:MAX_QUOTES - 1] + [follower]
    chosen.sort(key=lambda s: (s.unit.rank, s.unit.position))
    quotes, seen = [], set()
    for item in chosen:
        text = _render(item.unit, question, item.attributes, evidence)
        if text not in seen:
            seen.add(text)
            quotes.append((text, item.unit.n))
    confidence = round(min(1.0, ranked[0].score / 6.0), 3)
    return Answer(answerable=True, reason="answered", question=question, quotes=quotes, confidence=confidence,
                  considered=sorted({s.unit.n for s in scored}))


def _drop_unread_spellings(question: Question, read: list[Passage]) -> None:
    """A Latin word whose consonants happen to spell a product no evidence names ("probation" and 포리부틴) is a
    word of the question, not that product."""
    texts = [fold(f"{p.title} {p.section} {p.text}") for p in read]
    for product in [p for p in question.products if p.key in question.spelled]:
        if not any(_mentions(text, product) for text in texts):
            question.products.remove(product)
            question.subjects.append(question.spelled.pop(product.key))


def _off_topic(question: Question) -> Answer:
    return Answer(answerable=False, reason="off_topic", question=question,
                  message=_("볼 수 있는 문서에서 '%(subjects)s'에 대한 내용을 찾지 못했습니다. "
                            "추측으로 답하지 않겠습니다.") % {"subjects": " ".join(question.subjects)})


def _about_named_subjects(question: Question, answering: list[_Scored], read: list[Passage]) -> list[_Scored]:
    """The answering units whose passage holds one of the Hangul words the question names besides its attributes
    (all of them when it names none: a Latin word is often the English name of what documents write in Korean,
    or when it names the people and places of the work itself: "의사 선생님 결혼식 축의금" asks the gift rules)."""
    named = [s for s in question.subjects if s not in GENERIC_SUBJECTS and re.search("[가-힣]", s)]
    if not named or any(word in WORKPLACE_WORDS for word in named):
        return answering
    texts = {p.n: fold(f"{p.title} {p.section} {p.text}") for p in read}
    return [s for s in answering if any(word in texts.get(s.unit.n, "") for word in named)]


def _unnamed_subjects(question: Question, read: list[Passage], answering: list[_Scored], catalog: Catalog) -> list[str]:
    """What the question asks an attribute of, when it names no product we know and no passage holds that word
    while every answering unit is some product's: an unknown name ("카나브 시작 용량" over 노바스크's sheet), whose
    answer would be another product's."""
    if question.products or not answering:
        return []
    texts = [fold(f"{p.title} {p.section} {p.text}") for p in read]
    # The name a question opens with ("카나브 시작 용량"), in Hangul: a Latin word ("edoxaban") is often the English
    # spelling of what the documents write in Korean, and a later noun ("신기능 저하") is no name.
    opening = fold(question.text).lstrip()
    absent = [phrase for phrase, nouns in question.phrases[:1] if re.search("[가-힣]", phrase)
              and opening.startswith(phrase) and not any(noun in text for noun in nouns for text in texts)]
    if absent and all(catalog.products_in(f"{s.unit.text} {s.unit.context}") for s in answering):
        return absent
    return []


INTERACTION = "상호작용"


def _absent_partners(question: Question, read: list[Passage]) -> list[str]:
    """The other medicine of an interaction question ("페브릭 와파린 병용") when no passage about the product names
    it: the documents do not say how the two go together. Kinds of medicine ("위장약", "제산제") are not names."""
    if not question.products or not any(a.name == INTERACTION for a in question.required_attributes):
        return []
    partners = [s for s in question.subjects if re.fullmatch("[가-힣]{2,}", s)
                and s not in GENERIC_SUBJECTS and not s.endswith(("약", "제", "약물"))]
    texts = [fold(f"{p.title} {p.section} {p.text}") for p in read]
    about = [text for text in texts if any(_mentions(text, product) for product in question.products)]
    if not partners or any(partner in text for partner in partners for text in about):
        return []
    return partners


def _evidence_to_read(passages: list[Passage], question: Question) -> list[Passage]:
    """The PASSAGES_READ passages read, in rank order: those naming an asked product first, so a product sheet
    ranked below other documents' passages (the dense leg knows little of a new brand name) is still read."""
    if not question.products:
        return passages[:PASSAGES_READ]
    about = [p for p in passages if any(_mentions(fold(f"{p.title} {p.section} {p.text}"), product)
                                        for product in question.products)]
    chosen = {p.n for p in (about + [p for p in passages if p not in about])[:PASSAGES_READ]}
    return [p for p in passages if p.n in chosen]


TABLE_POINTER = re.compile(r"(?:아래|다음|하단|별첨)\s*(?:의\s*)?표|표\s*(?:참고|참조)")


def _details_after(best: _Scored, scored: list[_Scored], read: list[Passage]) -> _Scored | None:
    """A general sentence without a number ("신기능이 떨어진 환자는 투여 간격을 늘립니다.") whose next sentence in
    the passage gives the figures: that sentence too. A sentence pointing to a table ("체중에 따라 … (아래 표
    참고)"): the passage's best row of it."""
    if TABLE_POINTER.search(best.unit.text) and not best.unit.cells:
        document = {p.n: p.document_id for p in read}
        rows = [s for s in scored if s.unit.cells and (
            s.unit.position > best.unit.position if s.unit.n == best.unit.n
            else document.get(s.unit.n) == document.get(best.unit.n))]
        return max(rows, key=lambda s: s.score, default=None)
    if re.search(r"\d", best.unit.text) or best.unit.cells:
        return None
    return next((s for s in scored if s.unit.n == best.unit.n and s.unit.position == best.unit.position + 1
                 and re.search(r"\d", s.unit.text)), None)


def _adopt_named_products(question: Question, named: list[Product]) -> None:
    """Products as the evidence names them become the asked ones: a subject that is such a product ("트윈스타" →
    "트윈스타정"), an asked product now with the ingredient the evidence gives it, and a product the question names
    by that ingredient ("사쿠비트릴/발사르탄"), which also drops a product read from a part of that name (발사르탄 →
    디오반)."""
    asked = fold(question.text)
    # A Latin spelling of the evidence's Korean name ("mirabegron" of "베타미가서방정(미라베그론)").
    latin = {m.group(): transliterated(m.group(), named) for m in LATIN_NAME.finditer(question.text)}
    for product in named:
        by_latin = [word for word, spelled_as in latin.items() if spelled_as and spelled_as.key == product.key]
        by_subject = [noun for phrase, nouns in question.phrases if phrase in product.forms for noun in nouns] + [
            word.casefold() for word in by_latin]
        same = [p for p in question.products if p.key == product.key or set(p.forms) & set(product.forms)]
        longer = [f for p in question.products if p.key != product.key for f in p.forms]
        spelled = [form for form in product.forms if len(form) >= 3 and form in asked
                   and not any(form in f and form != f and f in asked for f in longer)]  # 노바스타 of 노바스타플러스정
        spelled += combination_words(product, asked, question.text) if not spelled else []
        if not (by_subject or same or spelled):
            continue
        question.subjects = [s for s in question.subjects if s not in by_subject
                             and not any(s in form for form in spelled)]
        rest = asked
        for form in sorted(spelled, key=len, reverse=True):
            rest = rest.replace(form, " ")
        question.products = [p for p in question.products if p not in same and p.name not in by_latin and (
            not spelled or any(form in rest for form in p.forms))] + [product]
        asked = rest


def _product_not_found(question: Question, names: list[str]) -> Answer:
    return Answer(answerable=False, reason="product_not_found", question=question,
                  message=_("볼 수 있는 문서에서 %(names)s에 대한 내용을 찾지 못했습니다. 제품명을 확인해 주세요.")
                  % {"names": ", ".join(f"'{name}'" for name in names)})


def _written(question: Question, product: Product) -> str:
    """The product's name as the question wrote it ("제미글로", not the title's "제미글로정")."""
    folded = fold(question.text)
    form = max((f for f in product.forms if f in folded), key=len, default=None)
    if form is None:
        return product.name
    start = folded.find(form)
    return question.text[start:start + len(form)]


def _attribute_label(question: Question) -> str:
    names = [a.name for a in question.required_attributes]
    if any(a.name == "용량" for a in question.attributes) and "용량" not in names and not any(
            "용량" in n for n in names):
        names[-1] = f"{names[-1]} 용량"
    return ", ".join(names)


def _subject(question: Question) -> str:
    names = [p.name for p in question.products]
    return ", ".join(names) if names else " ".join(question.subjects) or _("질문한 대상")


def _near_miss(question: Question, scored: list[_Scored], passages: list[Passage], message: str) -> Answer:
    numbers = sorted({s.unit.n for s in scored if s.about})
    titles = []
    for passage in passages:
        if passage.n in numbers and passage.title and passage.title not in titles:
            titles.append(passage.title)
    return Answer(answerable=False, reason="attribute_not_found", question=question, message=message,
                  related=titles[:3])
