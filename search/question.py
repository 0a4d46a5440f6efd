"""What a question asks: the products it names, the attributes it asks about, its numbers and its other subjects.

`understand(text) -> Question`. Products come from the drug synonym dictionary and the sales product table
(brand, ingredient, Korean and English spellings; "리피토정" is also "리피토"); a name that looks like a
product (ends in 정/캡슐/주 …) but is in neither is kept as an unknown product, so the answer can say it was
not found. Attributes come from the admin-editable lexicon (AnswerAttribute). Whatever nouns remain are the
question's other subjects. Only the question goes through Kiwi; the dictionaries are cached.
"""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import groupby

from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Left

from core.text import STOP_NOUNS, kiwi, noun_runs
from documents.models import Document, DocumentChunk
from documents.visibility import Searchable
from sales.models import Product as SalesProduct
from search.models import AnswerAttribute, DrugSynonym, SynonymKind

CACHE_KEY = "search:answer-dictionaries:v4"
VERSION_KEY = "search:answer-dictionaries:version"
CACHE_SECONDS = 300
# Dosage forms a brand is written with ("아보다트연질캡슐" is 아보다트), longest first: the first that ends a name
# is cut off.
PRODUCT_SUFFIXES = tuple(sorted((
    "필름코팅정", "구강붕해정", "서방형정", "서방정", "장용정", "연질캡슐", "경질캡슐", "서방캡슐", "장용캡슐", "캡슐", "정", "주",
    "주사액", "시럽", "흡입제", "패치", "연고", "크림", "현탁액"), key=len, reverse=True))
NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "XR", "NR")  # core.text's, and numerals (NR: 세 가지, 두 번)
NUMBER = re.compile(r"\d+(?:[.,/]\d+)*\s*(?:ml/min|mg/dl|mg|mcg|µg|ug|g|ml|l|iu|%|kg|원|세|시간|일|주|개월|년|정|회|mmhg)?",
                    re.IGNORECASE)
# A strength, not a rate: "49mL/min" is a renal function, "5mg/kg" a dose by weight.
STRENGTH = re.compile(r"\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)*\s*(?:mg|mcg|µg|ug|g|ml)\b(?!\s*/\s*[a-z가-힣])",
                      re.IGNORECASE)
# A range asked as the documents' tables write their rows ("30~49mL/min" → the "30~49" row).
NUMBER_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*[~∼-]\s*(\d+(?:\.\d+)?)")
CODE = re.compile(r"(?<!\d)\d{9}(?!\d)|\b[A-Za-z]{2,}-\d+\b")
# Durations said in words, as documents write them ("일주일 안에" → "7일 이내").
NUMBER_WORD_VALUES = {"일주일": ["7일", "1주"], "한주": ["7일", "1주"], "이틀": ["2일"], "사흘": ["3일"], "나흘": ["4일"],
                      "보름": ["15일"], "한달": ["1개월", "30일"], "두달": ["2개월"], "석달": ["3개월"], "반년": ["6개월"]}
NUMBER_WORDS = re.compile("|".join(sorted((r"\s*".join(word) for word in NUMBER_WORD_VALUES), key=len, reverse=True)))
NATIVE_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
                  "열한": 11, "열두": 12, "열세": 13, "열네": 14, "열다섯": 15, "열여섯": 16, "열일곱": 17}
AGE_IN_WORDS = re.compile(r"(?<![가-힣\d])(" + "|".join(sorted(NATIVE_NUMBERS, key=len, reverse=True)) + r"|\d{1,3})\s*살")
# (Not "몇 달째 설사가": that tells how long, it does not ask.)
ASKED_UNIT = re.compile(r"며칠(?!째)|몇\s*(개월|시간|박스|주|일|달|분|세|년|회|번|명|배|원|정|알|km|mg|kg|ml|%|퍼센트)(?!\s*째)",
                        re.IGNORECASE)
# Words that ask for a figure, and how documents write it: the sentence with the figure answers ("법인카드 증빙
# 제출 기한" → "다음 달 5영업일까지", not "기한까지 증빙을 내지 않은 금액은 …").
_DATE_OR_PERIOD = r"\d+\s*(?:영업일|일|시간|주|개월|년)|\d+월\s*\d+일|당일|즉시"
_AMOUNT = r"\d[\d,.]*\s*(?:만\s*)?원"
WANTED_FIGURES = (("언제까지", _DATE_OR_PERIOD), ("기한", _DATE_OR_PERIOD), ("마감", _DATE_OR_PERIOD),
                  ("며칠", _DATE_OR_PERIOD), ("점수", r"\d+\s*점"), ("몇 점", r"\d+\s*점"), ("금액", _AMOUNT),
                  ("얼마", _AMOUNT), ("비용", _AMOUNT), ("한도", _AMOUNT),
                  ("얼마나 있다", _DATE_OR_PERIOD + r"|\d+\s*분"), ("얼마 후", _DATE_OR_PERIOD + r"|\d+\s*분"))
GENERIC_ATTRIBUTES = frozenset({"용량", "절차"})
LIMIT, MAXIMUM_DOSE = "한도", "최대 용량"
# Verbs of every question ("먹어도 되나요", "해야 해"): they say nothing about which sentence answers.
COMMON_VERBS = frozenset({"하", "되", "있", "없", "먹", "주", "보", "가", "오", "나", "들", "알", "쓰", "받", "않", "같",
                          "괜찮", "좋", "말", "드리", "드시", "싶", "지", "이", "아니", "어떻", "그렇", "이렇", "챙기",
                          "복용하", "사용하", "투여하", "알리", "돼"})
COMPARISON = ("비교", "차이", "vs", "대비", "중 어느", "둘 중", "와 다른", "과 다른", "보다")


@dataclass(frozen=True)
class Product:
    key: str  # the group it belongs to (one drug under all its names)
    name: str  # the name to show: the Korean brand when there is one
    forms: tuple[str, ...]  # case-folded spellings, longest first
    brand_forms: tuple[str, ...]  # the forms that name this brand alone (not a shared ingredient)
    known: bool = True


@dataclass(frozen=True)
class Attribute:
    name: str
    question_terms: tuple[str, ...]
    evidence_terms: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # evidence phrases in which the terms do not count ("!어린이의 손")

    @property
    def required(self) -> bool:
        return bool(self.evidence_terms)


@dataclass
class Question:
    text: str
    products: list[Product] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)  # "40/5mg", compacted and case-folded
    codes: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    asked_unit: str = ""  # the unit of "몇 주", "며칠", "몇 km": the answer states a number in it
    wanted_figure: str = ""  # a pattern of the figure a word asks for ("기한" → "5영업일", "점수" → "70점")
    subjects: list[str] = field(default_factory=list)  # remaining content nouns, case-folded
    verbs: list[str] = field(default_factory=list)  # stems of its telling verbs ("씹어서" → 씹), for the evidence
    keyword_style: bool = False  # nouns only ("베타미가 임부 투여"), no verb or sentence ending
    phrases: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (written form, its subject nouns)
    compares: bool = False
    spelled: dict[str, str] = field(default_factory=dict)  # product key -> the Latin word read as its name

    @property
    def required_attributes(self) -> list[Attribute]:
        """What the evidence must state: the specific attributes ("소아" of "소아 용량"), or the generic one alone."""
        required = [a for a in self.attributes if a.required]
        specific = [a for a in required if a.name not in GENERIC_ATTRIBUTES]
        return specific or required

    def describe(self) -> dict:
        return {"products": [p.name for p in self.products], "unknown_products": [p.name for p in self.products
                                                                                 if not p.known],
                "attributes": [a.name for a in self.attributes], "strengths": self.strengths, "codes": self.codes,
                "subjects": self.subjects, "compares": self.compares}


# A combination is written "사쿠비트릴·발사르탄", "사쿠비트릴/발사르탄" or "암로디핀+아토르바스타틴": one spelling
# for matching names (one character for one, so positions stay).
NAME_SEPARATORS = str.maketrans({"/": "·", "‧": "·", "・": "·", "∙": "·", "+": "·"})


def fold(text: str) -> str:
    """Case-folded, combination separators unified: how product names are compared."""
    return text.casefold().translate(NAME_SEPARATORS)


def compact(text: str) -> str:
    return "".join(text.casefold().split())


def base_name(name: str) -> str:
    """"리피토정" → "리피토", "입랜스캡슐" → "입랜스" (the form people say)."""
    for suffix in PRODUCT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# Salt and hydrate endings of an ingredient ("모사프리드시트르산염수화물", "도네페질염산염"): people say the base.
SALT_ENDINGS = tuple(sorted((
    "염산염", "인산염", "황산염", "질산염", "초산염", "아세트산염", "말레산염", "푸마르산염", "숙신산염", "타르타르산염",
    "시트르산염", "베실산염", "메실산염", "토실산염", "브롬화수소산염", "살리실산염", "나트륨", "칼슘", "칼륨", "마그네슘",
    "수화물", "일수화물", "이수화물", "삼수화물", "세스퀴수화물", "무수물", "디소프록실", "황산수소염", "옥살산염",
    "실렉세틸", "메독소밀"), key=len, reverse=True))


def ingredient_base(name: str) -> str:
    """"에독사반토실산염수화물" → "에독사반", "오셀타미비르인산염" → "오셀타미비르"."""
    while True:
        ending = next((e for e in SALT_ENDINGS if name.endswith(e) and len(name) - len(e) >= 3), None)
        if ending is None:
            return name
        name = name[: -len(ending)]


def _ingredient_forms(*names: str) -> set[str]:
    forms = _forms(*names)
    return forms | {base for base in map(ingredient_base, forms) if len(base) >= 3}


# -- Latin spellings of Korean names ("Entresto" = 엔트레스토, "oseltamivir" = 오셀타미비르) ----------------------
# Both spellings reduce to their consonants in one alphabet (vowels, h, w and y dropped; b/f/v → p, d → t, g → k,
# l → r, z/j/ch → j, repeats collapsed), which is how Korean writes a foreign name: "Zemiglo" and 제미글로 are
# both jmkr. Only names a dictionary or the evidence already holds are matched, and only when one product has
# that key.
_INITIALS = ("k", "k", "n", "t", "t", "r", "m", "p", "p", "s", "s", "", "j", "j", "j", "k", "t", "p", "")
_FINALS = ("", "k", "k", "ks", "n", "nj", "n", "t", "r", "rk", "rm", "rp", "rs", "rt", "rp", "r", "m", "p", "ps",
           "t", "s", "n", "j", "j", "k", "t", "p", "")
LATIN_NAME = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z](?:[A-Za-z]|-(?=[A-Za-z])){3,}(?![A-Za-z0-9])")


def _collapsed(letters: str) -> str:
    return re.sub(r"(.)\1+", r"\1", letters)


@lru_cache(maxsize=8192)  # every product form is keyed again for each Latin word of each question
def hangul_key(word: str) -> str:
    """The consonants of a Hangul name ("" when it has other letters)."""
    out = []
    for char in word:
        code = ord(char) - 0xAC00
        if not 0 <= code < 11172:
            return ""
        out.append(_INITIALS[code // 588] + _FINALS[code % 28])
    return _collapsed("".join(out))


@lru_cache(maxsize=2048)
def latin_keys(word: str) -> frozenset[str]:
    """The consonants of a Latin name as Korean would write them; a post-vocalic r may be silent ("Norvasc" =
    노바스크), so may a final d after n ("Atacand" = 아타칸), ch, a soft g and an initial x may be read either way
    ("Xarelto" = 자렐토, "Xyzal" = 씨잘)."""
    w = _collapsed(re.sub(r"[^a-z]", "", word.casefold()))
    w = w.replace("ph", "p").replace("th", "t").replace("qu", "k")
    variants = {w}
    for pattern, readings in ((r"^x", ("s", "j")), (r"x", ("ks",)), (r"ch", ("k", "j")), (r"g(?=[eiy])", ("k", "j")),
                              (r"(?<=[aeiouy])r(?![aeiouy])", ("r", "")), (r"(?<=n)d$", ("d", ""))):
        variants = {re.sub(pattern, reading, v) for v in variants for reading in readings}
    return frozenset(_collapsed(re.sub(r"c(?=[eiy])", "s", v).translate(_LATIN_CONSONANTS)) for v in variants)


_LATIN_CONSONANTS = str.maketrans({"b": "p", "f": "p", "v": "p", "d": "t", "g": "k", "q": "k", "c": "k", "l": "r",
                                   "z": "j", "a": None, "e": None, "i": None, "o": None, "u": None, "y": None,
                                   "w": None, "h": None})


def combination_words(product: "Product", folded: str, text: str) -> list[str]:
    """The words of the question (`folded` by `fold`) that name a combination part by part, in either script
    ("ezetimibe simvastatin", "에제티미브 심바스타틴" for 에제티미브·심바스타틴); [] when a part is missing."""
    latin = [m.group() for m in LATIN_NAME.finditer(text)]
    for form in product.forms:
        parts = [part for part in form.split("·") if part]
        if len(parts) < 2:
            continue
        words = []
        for part in parts:
            word = part if len(part) >= 3 and part in folded else next(
                (w.casefold() for w in latin if hangul_key(part) in latin_keys(w)), None)
            if word is None:
                break
            words.append(word)
        else:
            return words
    return []


def _spells_a_name(word: str) -> bool:
    """A Latin word that may be a name: two vowels at least ("eGFR", "PSA" are not names), or capitals with a
    hyphen ("K-CAB")."""
    return len(re.findall(r"[aeiouy]", word.casefold())) >= 2 or bool(re.fullmatch(r"[A-Z]+-[A-Z]+", word))


def transliterated(word: str, products: list["Product"]) -> "Product | None":
    """The one product with a Hangul form that `word` (Latin letters) spells."""
    if not _spells_a_name(word):
        return None
    keys = {k for k in latin_keys(word) if len(k) >= (2 if "-" in word else 3)}
    found = {p.key: p for p in products for form in p.forms if hangul_key(form) in keys}
    if len(found) > 1:
        # Names with the same consonants ("Abilify": 아빌리파이 and 펠루비): the one whose vowels are the word's.
        latin = _vowels_of_latin(word)
        closeness = {key: max(_common_vowels(latin, _vowels_of_hangul(form)) for form in product.forms
                              if hangul_key(form) in keys) for key, product in found.items()}
        best = max(closeness.values())
        found = {key: found[key] for key, value in closeness.items() if value == best}
    return next(iter(found.values())) if len(found) == 1 else None


# Vowel classes: Hangul medials (ㅏ … ㅣ, ㅡ written only between consonants) and Latin vowels, as Korean hears them.
_MEDIAL_CLASS = "aeaeoeoeoaeeouoeiu_ii"  # ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ


def _vowels_of_hangul(word: str) -> str:
    classes = [_MEDIAL_CLASS[(ord(c) - 0xAC00) % 588 // 28] for c in word if 0 <= ord(c) - 0xAC00 < 11172]
    return _collapsed("".join(c for c in classes if c != "_"))


def _vowels_of_latin(word: str) -> str:
    return _collapsed("".join("i" if c == "y" else c for c in word.casefold() if c in "aeiouy"))


def _common_vowels(a: str, b: str) -> float:
    """Longest common subsequence of two vowel skeletons, over the shorter one's length."""
    if not a or not b:
        return 0.0
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], previous + 1 if x == y else max(row[j], row[j - 1])
    return row[-1] / min(len(a), len(b))


def _forms(*names: str) -> set[str]:
    """Spellings to look for; a combination ("암로디핀·아토르바스타틴") stays whole, or each of its parts would
    name the combination product in every question about one of them."""
    forms = set()
    for name in names:
        name = fold((name or "").strip())
        if len(name) >= 2:
            forms.add(name)
            forms.add(base_name(name))
    return {form for form in forms if len(form) >= 2}


def _load_dictionaries() -> dict:
    groups: dict[str, dict] = {}
    for term, kind, group in DrugSynonym.objects.values_list("term", "kind", "group__name"):
        entry = groups.setdefault(f"g:{group}", {"name": group, "forms": set(), "brand": set()})
        entry["forms"] |= _forms(term)
        if kind != SynonymKind.INGREDIENT and kind != SynonymKind.KOREAN:
            entry["brand"] |= _forms(term)
    entry_of_form = {form: key for key, entry in groups.items() for form in entry["brand"]}
    for name, name_en, ingredient, ingredient_en in SalesProduct.objects.values_list(
            "name", "name_en", "ingredient", "ingredient_en"):
        brand = _forms(name, name_en)
        key = next((entry_of_form[f] for f in brand if f in entry_of_form), None)
        if key is None:
            key = f"p:{base_name(name)}"
            groups.setdefault(key, {"name": name, "forms": set(), "brand": set()})
        groups[key]["forms"] |= brand | _ingredient_forms(ingredient, ingredient_en)
        groups[key]["brand"] |= brand
        if key.startswith("g:") and len(name) > len(groups[key]["name"]) and base_name(name) == groups[key]["name"]:
            groups[key]["name"] = name  # the product table's full name: "리피토정" rather than "리피토"
    known_forms = {form for entry in groups.values() for form in entry["forms"]}
    for name, ingredients in _titled_products().items():
        base = base_name(name).casefold()
        if base not in known_forms and name.casefold() not in known_forms:
            groups.setdefault(f"d:{base}", {"name": name, "forms": _forms(name) | ingredients,
                                            "brand": _forms(name)})
    products = [
        (key, entry["name"], tuple(sorted(entry["forms"], key=len, reverse=True)),
         tuple(sorted(entry["brand"], key=len, reverse=True)))
        for key, entry in groups.items()
    ]
    attributes = [
        (name, tuple(t.casefold() for t in q if t.strip()), tuple(t.casefold() for t in e if t.strip()))
        for name, q, e in AnswerAttribute.objects.filter(is_active=True).values_list(
            "name", "question_terms", "evidence_terms")
    ]
    return {"products": products, "attributes": attributes}


# A product sheet names its product in its title ("제미글로정 제품설명서", "엔트레스토필름코팅정 제품 정보"): such a
# name is a product even when neither the synonym dictionary nor the product table knows it yet.
PRICE_LIST_TITLE = Q(title__contains="약가") | Q(title__contains="가격") | Q(title__contains="공급") | Q(
    title__contains="제품 목록")
TITLE_PRODUCT = re.compile(r"(?<![가-힣])([가-힣]{2,}(?:정|캡슐|시럽|흡입제|현탁액|주사액))"
                           r"(?![가-힣])")


def _titled_products() -> dict[str, set[str]]:
    """Product names in the titles of the documents every approved user may search (L1, no department,
    approved, processed, unexpired), with the ingredient their sheet gives in brackets ("가스모틴정(모사프리드
    시트르산염수화물)은 …" in its first passages). Restricted documents add none: the dictionaries are shared by
    all users, and a name known only from a document the asker cannot see must read exactly like an unknown one."""
    names: dict[str, set[str]] = {}
    named_by: dict[int, list[str]] = {}
    public = Searchable.for_search().as_q() & Q(access_level__lte=1, department__isnull=True)
    for document_id, title in Document.objects.filter(public).values_list("id", "title").iterator():
        for name in TITLE_PRODUCT.findall(title or ""):
            stem = base_name(name)
            if name not in DOSAGE_FORMS and stem != name and len(stem) >= 2 and stem not in STOP_NOUNS:
                names.setdefault(name, set())
                named_by.setdefault(document_id, []).append(name)
    openings = DocumentChunk.objects.filter(document_id__in=list(named_by), ordinal__lt=2).values_list(
        "document_id", Left("text", 800))
    for document_id, text in openings.iterator():
        for name in named_by[document_id]:
            match = re.search(re.escape(name) + r"\s*\(([^()\n]{2,60})\)", text)
            if match and INGREDIENT.fullmatch(match.group(1).strip()):
                names[name] |= _ingredient_forms(match.group(1))
    # Price lists name products no sheet describes, with their ingredient in a column ("판토록정 | 판토프라졸…").
    # Only documents titled as price or supply lists are read: the passages of every document would be a scan of
    # the whole corpus each time the dictionary is rebuilt.
    lists = Document.objects.filter(public).filter(PRICE_LIST_TITLE)
    public_chunks = DocumentChunk.objects.filter(document__in=lists)
    tabled = public_chunks.filter(text__contains="|", text__regex=r"(^|\n)\s*(제품|품목|품명)[^\n]*\|\s*(주?성분)")
    rows = public_chunks.filter(document_id__in=tabled.values("document_id"), text__contains="|").order_by(
        "document_id", "ordinal").values_list("document_id", "text")
    for _document_id, texts in groupby(rows.iterator(), key=lambda row: row[0]):
        for name, ingredient in _table_ingredients(text for _id, text in texts):
            if name not in DOSAGE_FORMS and len(base_name(name)) >= 2 and base_name(name) not in STOP_NOUNS:
                names.setdefault(name, set()).update(_ingredient_forms(ingredient))
    return names


_built: tuple = (None, [], [])  # (version, products, attributes) of this process


def dictionaries() -> tuple[list[Product], list[Attribute]]:
    """The products and attributes, loaded once per CACHE_SECONDS for all processes (shared cache) and built
    once per process for that version: this runs twice per answer, and unpickling them costs milliseconds."""
    global _built
    version = cache.get(VERSION_KEY)
    if version is not None and version == _built[0]:
        return _built[1], _built[2]
    data = cache.get(CACHE_KEY) if version is not None else None
    if data is None:
        data = _load_dictionaries()
        version = time.time_ns()
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
        cache.set(VERSION_KEY, version, CACHE_SECONDS)
    products = [Product(key=k, name=n, forms=f, brand_forms=b) for k, n, f, b in data["products"]]
    attributes = [Attribute(name=n, question_terms=q, evidence_terms=tuple(t for t in e if not t.startswith("!")),
                            excluded=tuple(t[1:] for t in e if t.startswith("!") and len(t) > 1))
                  for n, q, e in data["attributes"]]
    _built = (version, products, attributes)
    return products, attributes


def invalidate_dictionaries() -> None:
    cache.delete_many([CACHE_KEY, VERSION_KEY])


def _noun_runs(text: str, tokens) -> list[tuple[str, int, int, list[str]]]:
    """(surface, start, end, nouns) for each run of nouns written together."""
    return [(text[r[0].start:r[-1].end], r[0].start, r[-1].end, [t.form.casefold() for t in r])
            for r in noun_runs(text, tags=NOUN_TAGS, tokens=tokens)]


def understand(text: str) -> Question:
    products, attributes = dictionaries()
    question = Question(text=text)
    folded = text.casefold()
    consumed: list[tuple[int, int]] = []

    names = fold(text)
    hits = []
    for product in products:
        hit = next((form for form in product.forms if form in names), None)
        if hit is not None:
            start = names.find(hit)
            hits.append((product, (start, start + len(hit))))
    for product, (start, end) in hits:
        # A name inside a longer one is part of it: "발사르탄" of "사쿠비트릴·발사르탄" is not 디오반.
        if any(s <= start and end <= e and e - s > end - start for _p, (s, e) in hits):
            continue
        question.products.append(product)
        consumed.append((start, end))
    for match in LATIN_NAME.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e in consumed):
            product = transliterated(match.group(), products)
            if product is not None:
                question.products.append(product)
                question.spelled[product.key] = match.group().casefold()
                consumed.append(match.span())
    for product in products:
        words = combination_words(product, names, text) if any("·" in f for f in product.forms) else []
        if words:
            # The combination, not the single products read from its parts (조코 of "simvastatin").
            question.products = [p for p in question.products if not set(p.forms) & set(words)] + [product]
            consumed.extend((names.find(w), names.find(w) + len(w)) for w in words)
    for name, span in _product_like_words(text, taken=list(consumed)):
        question.products.append(Product(key=f"unknown:{name}", name=name, forms=tuple(_forms(name)),
                                         brand_forms=tuple(_forms(name)), known=False))
        consumed.append(span)
    # A product named by brand and ingredient is one product; a brand also found as part of a longer one
    # ("카듀엣" inside nothing, "리피토" inside "리피토정") is the same group already.
    question.products = _distinct(question.products)

    spaced = folded
    tokens = kiwi().tokenize(text)
    starts = {token.start for token in tokens}
    question.verbs = [t.form for t in tokens if t.tag.startswith(("VV", "VA")) and t.form not in COMMON_VERBS
                      and not any(s <= t.start < e for s, e in consumed)]  # not "트" of 아/보다/트 (아보다트)
    question.keyword_style = not any(
        t.tag.startswith(("VV", "VA", "VX", "XSV", "XSA", "EF", "SF")) for t in tokens)
    # A term written as a verb stem ("쑤시", "붓") is asked by any form of that verb ("쑤신대", "부었어요").
    stems = {t.form: (t.start, t.end) for t in tokens if t.tag.startswith(("VV", "VA"))}
    weak, matches = [], []
    for attribute in attributes:
        asking = attribute.question_terms + tuple(t for t in attribute.evidence_terms
                                                  if len(t) >= 3 and not t.startswith("re:"))
        for term in asking:
            if term.startswith("~"):
                weak.append((attribute, term[1:]))
                continue
            span = _find_word(spaced, term, starts) or stems.get(term)
            if span is not None:
                matches.append((attribute, span))
    # A term inside a longer term of another attribute is part of that one: "기간" of "유효기간" is not 투여 기간.
    for attribute, (start, end) in matches:
        if any(s <= start and end <= e and (e - s) > (end - start) and other is not attribute
               for other, (s, e) in matches):
            continue
        if attribute not in question.attributes:
            question.attributes.append(attribute)
        consumed.append((start, end))
    if not [a for a in question.attributes if a.name not in GENERIC_ATTRIBUTES]:
        for attribute, term in weak:
            span = _find_word(spaced, term, starts)
            if term and span is not None and attribute not in question.attributes:
                question.attributes.append(attribute)
                consumed.append(span)
    if any(p.known for p in question.products) and any(a.name == LIMIT for a in question.attributes):
        # A limit asked of a medicine ("바이토린 … 얼마까지 쓸 수") is its maximum dose, not a spending limit.
        maximum = next((a for a in attributes if a.name == MAXIMUM_DOSE), None)
        question.attributes = [a for a in question.attributes if a.name != LIMIT]
        if maximum is not None and maximum not in question.attributes:
            question.attributes.append(maximum)
    question.attributes = _specific_first(question.attributes)

    question.strengths = [compact(m.group()) for m in STRENGTH.finditer(text)]
    question.codes = [m.group().casefold() for m in CODE.finditer(text)]
    question.numbers = [compact(m.group()) for m in NUMBER.finditer(text) if any(c.isdigit() for c in m.group())]
    for match in NUMBER.finditer(text):
        consumed.append(match.span())
    question.numbers.extend(f"{low}~{high}" for low, high in NUMBER_SPAN.findall(text))
    for match in AGE_IN_WORDS.finditer(text):  # "세 살짜리" → 3세, as the documents write ages
        count = match.group(1)
        question.numbers.append(f"{count if count.isdigit() else NATIVE_NUMBERS[count]}세")
        consumed.append(match.span())
    for match in NUMBER_WORDS.finditer(text):
        question.numbers.extend(NUMBER_WORD_VALUES[compact(match.group())])
        consumed.append(match.span())
    question.wanted_figure = "|".join(pattern for word, pattern in WANTED_FIGURES if word in folded)
    unit = ASKED_UNIT.search(text)
    if unit:
        asked = "일" if unit.group().startswith("며칠") else unit.group(1).casefold()
        question.asked_unit = "%" if asked == "퍼센트" else asked
    unnamed = "".join(" " if any(s <= i < e for s, e in consumed) else c for i, c in enumerate(folded))
    # Not "보다" inside "아보다트": product names are blanked first.
    question.compares = any(word in unnamed for word in COMPARISON) or len(question.products) > 1 and (
        "와 " in text or "과 " in text or "랑 " in text)

    for surface, start, end, nouns in _noun_runs(text, tokens):
        if any(s <= start and end <= e for s, e in consumed):
            continue
        inside = [(s, e) for s, e in consumed if start < e and s < end]
        words = [n for n in nouns if n not in STOP_NOUNS and not n.isdigit()]
        if not words:
            continue
        if not inside and _looks_like_product(surface, nouns):
            name = surface.strip()
            question.products.append(Product(key=f"unknown:{name}", name=name, forms=tuple(_forms(name)),
                                             brand_forms=tuple(_forms(name)), known=False))
            continue
        remaining = folded[start:end]
        for s, e in inside:
            remaining = remaining.replace(folded[max(s, start):min(e, end)], " ")
        kept = []
        for noun in words:
            if noun in remaining and noun not in question.subjects and (len(noun) >= 2 or noun.isascii()):
                question.subjects.append(noun)
                kept.append(noun)
        if kept:
            question.phrases.append((remaining.strip(), tuple(kept)))
    return question


PRODUCT_WORD = re.compile(r"(?<![가-힣])[가-힣]{2,}(?:정|캡슐)(?=[은는이가을를의와과도만랑]|하고|\s|$|[?,.!)])"
                          r"|(?<![A-Za-z-])[A-Z]{1,3}-[A-Z]{2,}(?![A-Za-z-])")


def _product_like_words(text: str, *, taken: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """Words written like a product no dictionary knows: a name of three or more letters with its dosage form,
    which Kiwi reads alone as one noun ("리바로정", "케이캡정") or as the name and a bare 정 / 캡슐, and capitals
    with a hyphen ("K-CAB"); not "의사결정" (의사 + 결정: a word). Kiwi reads the word alone, because in a
    sentence it splits unknown names ("리바로정 최대" → 리 / 바로 / 정)."""
    found = []
    for match in PRODUCT_WORD.finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            continue
        word = match.group()
        if word[0].isascii():
            found.append((word, (start, end)))
            continue
        tokens = [t for t in kiwi().tokenize(word) if t.tag.startswith(("NN", "XR", "MAG", "NR", "SL"))]
        if not tokens or word in DOSAGE_FORMS:
            continue
        suffix = "캡슐" if word.endswith("캡슐") else "정"
        # A two-letter name ("씨잘정") only as one noun: "불안정", "재조정" are 불 + 안정, 재 + 조정.
        alone = len(tokens) >= 2 and tokens[-1].form == suffix and len(word) - len(suffix) >= 3
        whole = len(tokens) == 1 and tokens[0].form == word and tokens[0].tag in ("NNG", "NNP")
        if alone or whole:
            found.append((word, (start, end)))
    return found


def _find(text: str, term: str) -> tuple[int, int] | None:
    """Where a lexicon term occurs in the question: a substring (spaces optional inside a phrase), or a
    regular expression written "re:…"."""
    if term.startswith("re:"):
        try:
            match = re.search(term[3:], text)
        except re.error:
            return None
        return match.span() if match else None
    position = text.find(term)
    if position < 0 and " " in term:
        position = compact(text).find(compact(term))
        position = -1 if position < 0 else _uncompact_position(text, position)
    if position < 0 and " " in term:
        # The words of a phrase in order with up to two words between them: "배가 계속 심하게 아프면" asks "배가 아프".
        gapped = re.search(r"(?:\s+\S+){0,2}\s+".join(map(re.escape, term.split())), text)
        return gapped.span() if gapped else None
    return (position, position + len(term)) if position >= 0 else None


def _find_word(text: str, term: str, starts: set[int]) -> tuple[int, int] | None:
    """`_find`, where a written term must begin where one of the question's morphemes begins: "금기" in
    "병용금기" (병용 + 금기), not "용도" in "비용도" (비용 + 도)."""
    if term.startswith("re:") or not term:
        return _find(text, term)
    if term[0].isascii():  # a Latin term is a whole word: "edi" is not in "carvedilol"
        match = re.search(r"(?<![a-z])" + re.escape(term) + r"(?![a-z])", text)
        return match.span() if match else None
    position = text.find(term)
    while position >= 0:
        if position in starts:
            return position, position + len(term)
        position = text.find(term, position + 1)
    span = _find(text, term) if " " in term else None
    return span if span is not None and span[0] in starts else None


def _uncompact_position(spaced: str, compact_position: int) -> int:
    seen = 0
    for index, char in enumerate(spaced):
        if not char.isspace():
            if seen == compact_position:
                return index
            seen += 1
    return -1


def _distinct(products: list[Product]) -> list[Product]:
    seen, result = set(), []
    for product in products:
        if product.key not in seen:
            seen.add(product.key)
            result.append(product)
    return result


def _specific_first(attributes: list[Attribute]) -> list[Attribute]:
    """"소아 용량": 소아 is what is asked, 용량 only its frame."""
    return [a for a in attributes if a.name not in GENERIC_ATTRIBUTES] + [
        a for a in attributes if a.name in GENERIC_ATTRIBUTES]


# Words for a tablet or capsule, not names of products ("연노란색 원형 필름코팅정" in a 성상 column).
DOSAGE_FORMS = frozenset({"필름코팅정", "코팅정", "서방정", "장용정", "구강붕해정", "발포정", "저작정", "분산정", "당의정",
                          "연질캡슐", "경질캡슐", "서방캡슐", "장용캡슐", "나정", "정제"})
LOCAL_PRODUCT = re.compile(r"([가-힣]{2,}(?:정|캡슐|서방정|시럽|흡입제|주))\s*\(([^()\n]{2,60})\)"
                           r"|([가-힣]{3,}(?:정|캡슐))(?=[\s,.은는이가을를의와과에]|$)")
INGREDIENT = re.compile(r"[가-힣A-Za-z][가-힣A-Za-z·/‧・+ ]{2,59}")


def products_named_in(texts: list[str], known: list[Product]) -> list[Product]:
    """Products the evidence itself names: "노바스타정(…)", "트윈스타정" in a price table, that no dictionary
    knows (so that a sentence about them is recognised as another product's), and known products with the
    ingredient the evidence gives them in brackets ("엔트레스토필름코팅정(사쿠비트릴·발사르탄)": a question may
    name the product by it). Known products come back as copies with those ingredient forms added."""
    found: dict[str, Product] = {}
    by_form = {form: product for product in known for form in product.forms}
    for text in texts:
        named = [(m.group(1) or m.group(3), (m.group(2) or "").strip()) for m in LOCAL_PRODUCT.finditer(text)]
        for name, ingredient in named + _table_ingredients([text]):
            base = base_name(name).casefold()
            if name in DOSAGE_FORMS or base in STOP_NOUNS:
                continue
            extra = _ingredient_forms(ingredient) if INGREDIENT.fullmatch(ingredient) else set()
            known_product = by_form.get(name.casefold()) or by_form.get(base)
            key = known_product.key if known_product else f"local:{base}"
            product = found.get(key) or known_product or Product(
                key=key, name=name, forms=tuple(_forms(name)), brand_forms=tuple(_forms(name)), known=False)
            if extra - set(product.forms):
                product = replace(product, forms=tuple(sorted(set(product.forms) | extra, key=len, reverse=True)))
            if product is not known_product:  # a local product, or a known one with ingredient forms added
                found[key] = product
    return list(found.values())


def _table_ingredients(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(product, ingredient) of the rows of a table whose header has a product and an ingredient column
    ("제품명 | 성분 | 규격 …" / "판토록정 | 판토프라졸나트륨세스퀴수화물 | 20mg …"): price lists name products no
    sheet describes, and a question may ask by the ingredient ("pantoprazole 20mg 보험약가"). `texts` are one
    passage (in a list), or a document's passages in order (a table's rows go on in the next passage under the same header)."""
    pairs, columns = [], None
    for text in texts:
        found, columns = _rows_with_ingredients(text, columns)
        pairs += found
    return pairs


def _rows_with_ingredients(text: str, columns) -> tuple[list[tuple[str, str]], tuple[int, int] | None]:
    """One passage's rows under `columns` (carried from the passage before until a line of prose ends the table),
    and the columns in force at its end."""
    pairs, in_table = [], False
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")] if "|" in line else []
        if not cells:
            if line.strip() and in_table:
                columns = None  # prose after the table: what follows is another table
            continue
        in_table = True
        product_at = next((i for i, c in enumerate(cells) if c.startswith(("제품", "품목", "품명"))), None)
        ingredient_at = next((i for i, c in enumerate(cells) if c.startswith(("성분", "주성분"))), None)
        if product_at is not None and ingredient_at is not None:
            columns = (product_at, ingredient_at)
            continue
        if columns and len(cells) > max(columns):
            name, ingredient = cells[columns[0]], cells[columns[1]]
            if TITLE_PRODUCT.fullmatch(name) and INGREDIENT.fullmatch(ingredient):
                pairs.append((name, ingredient))
    return pairs, columns


def _looks_like_product(surface: str, nouns: list[str]) -> bool:
    """A name we do not know that is written like a product: "노바스타정", "제니칼캡슐", "Zenapix"."""
    word = surface.strip()
    if len(word) < 3:
        return False
    if re.fullmatch(r"[A-Z][a-z]{3,}", word):
        return True
    suffix = next((s for s in PRODUCT_SUFFIXES if word.endswith(s) and len(s) >= 1), None)
    if suffix not in (None, "패치", "연고", "크림", "주사액", "현탁액") and len(word) - len(suffix) >= 2:
        stem = word[: -len(suffix)]
        # "일정", "결정", "조정", "인정", "규정", "가정" … are words, not products: at least three syllables of stem
        # or a stem Kiwi did not know as one common noun.
        return len(stem) >= 3 or (len(nouns) > 1 and nouns[-1] in ("정", "캡슐"))
    return False
