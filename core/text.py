"""Korean text analysis with Kiwi, for every app: lexical terms for the tsvector and queries, sentence splitting,
noun phrases and demonstratives (the chat follow-up condenser).

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

    # Without the multi-word dictionary: loading it was 2.2 of Kiwi's 3.5 s before a process could answer its first
    # search (issue 14 notes), and all it did here was read some disease names as one multi-word lexeme ("중증
    # 근무력증"; 25 of 1,273 test texts analysed differently). Passages indexed with it are rewritten by the job
    # documents/migrations/0005 queues (or `manage.py reindex_lexical`).
    return Kiwi(load_multi_dict=False)


def lexical_terms(text: str) -> list[str]:
    """Lower-cased Kiwi morphemes that carry meaning, in order (duplicates kept)."""
    if not text or not text.strip():
        return []
    return [token.form.lower() for token in kiwi().tokenize(text) if token.tag.startswith(LEXICAL_TAG_PREFIXES)]


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


# Noun phrases and demonstratives: what the chat condenser reads a follow-up question with.
NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "XR")
# The one stop-word list. FUNCTION_WORDS: question words, bound nouns and light verbs that occur in a large
# share of passages; the lexical query drops them (unless nothing else is left), as they add cost to the OR
# query and noise to the ranking. STOP_NOUNS: those plus the nouns that carry no subject of their own
# ("내용", "제품", "mg"): what question reading (search/question.py) and the chat condenser skip when they
# look for the thing a question is about.
FUNCTION_WORDS = frozenset({
    "것", "무엇", "어디", "누구", "언제", "어떤", "어느", "몇", "무슨", "어떻", "왜", "하", "되", "있", "없", "이", "그",
    "저", "수", "등", "때", "중", "곳", "들", "및", "위", "통하", "대하", "따르", "의하",
})
STOP_NOUNS = FUNCTION_WORDS | frozenset({
    "약", "내용", "관련", "정보", "뭐", "경우", "부분", "대해", "대한", "알려", "설명", "질문", "답변", "자료", "문서",
    "좀", "거", "해당", "제품", "약물", "의약품", "병원", "사람", "환자", "분", "얼마", "정도", "이유", "요즘", "지금",
    "오늘", "어제", "이번", "지난", "다음", "기준", "사항", "하루", "시작", "최대", "최소", "통상", "일반", "최근",
    "mg", "ml", "mcg", "g", "kg", "iu", "정", "회",
    "번", "개", "알", "가지", "건", "뭘", "게", "데", "나", "우리", "회사", "전", "후", "이상", "이하", "미만", "초과",
    "내", "안", "만", "씩", "쯤", "부터", "까지", "확인", "필요", "가능", "해", "동안", "계속", "혹시", "먼저", "같이",
    "함께", "그냥", "보통", "정말", "선생", "선생님", "주의", "조심",  # "무엇을 주의해야" asks what the passage says
})
# Attributes asked about an entity ("what is its dosage?"): a question made only of these needs the
# entity of the previous turn.
ATTRIBUTE_NOUNS = frozenset({
    "용량", "용법", "효능", "효과", "부작용", "가격", "단가", "금기", "주의", "사항", "주의사항", "내역", "방문", "최근",
    "성분", "보험", "급여", "기준", "상호", "작용", "상호작용", "복용", "투여", "제형", "함량", "실적", "매출", "적응증",
    "허가", "보관", "방법", "일정", "연락처", "담당자", "활동", "이력", "현황", "추이", "비교", "차이", "장점", "단점",
    "기간", "횟수", "시간", "주기", "처방", "환자", "대상", "소아", "노인", "임부", "신장", "간", "기능",
})
DEMONSTRATIVE_DETERMINERS = frozenset({"그", "이", "저", "요", "해당"})
DEMONSTRATIVE_PRONOUNS = frozenset({"그것", "이것", "저것", "그거", "이거", "저거", "거기", "여기", "저기", "그곳",
                                    "이곳", "저곳", "그분", "이분", "저분"})


@dataclass(frozen=True)
class NounPhrase:
    text: str  # surface form, e.g. "한빛대학교병원"
    nouns: tuple[str, ...]  # its nouns, lower-cased

    @property
    def is_entity(self) -> bool:
        return any(noun not in STOP_NOUNS and noun not in ATTRIBUTE_NOUNS for noun in self.nouns)


def _tokens(text: str):
    if not text or not text.strip():
        return []
    return kiwi().tokenize(text)


def noun_runs(text: str, *, tags: tuple[str, ...] = NOUN_TAGS, breaking: frozenset[str] = frozenset(),
              tokens=None) -> list[list]:
    """Kiwi tokens of each run of `tags` written together, in order; a form in `breaking` ends a run.
    `tokens`: the text's Kiwi tokens when the caller has them already (one analysis per text)."""
    runs, run = [], []
    for token in _tokens(text) if tokens is None else tokens:
        if token.tag.startswith(tags) and token.form not in breaking:
            if run and run[-1].end != token.start:
                runs.append(run)
                run = []
            run.append(token)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def noun_phrases(text: str) -> list[NounPhrase]:
    """Runs of nouns written together ("한빛대학교병원" = 한빛 + 대학교 + 병원), in order."""
    return [NounPhrase(text[r[0].start:r[-1].end], tuple(t.form.lower() for t in r))
            for r in noun_runs(text, breaking=DEMONSTRATIVE_DETERMINERS)]


def demonstrative_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of demonstratives ("그 약", "이거", "해당 제품"): signs of a follow-up question."""
    spans = []
    for token in _tokens(text):
        form = token.form
        if token.tag == "MM" and form in DEMONSTRATIVE_DETERMINERS:
            spans.append((token.start, token.end))
        elif token.tag == "NP" and form in DEMONSTRATIVE_PRONOUNS:
            spans.append((token.start, token.end))
        elif form == "해당" or (token.tag == "IC" and form == "저"):
            spans.append((token.start, token.end))
    return spans
