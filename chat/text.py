"""Small Korean text helpers on top of documents.korean (Kiwi) for the follow-up condenser: noun phrases and
demonstratives."""

from dataclasses import dataclass

NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "XR")
# Nouns that carry no subject of their own.
STOP_NOUNS = frozenset({
    "것", "수", "등", "때", "중", "약", "내용", "관련", "정보", "무엇", "뭐", "어떤", "경우", "부분", "대해", "대한",
    "알려", "설명", "질문", "답변", "자료", "문서", "좀", "거", "해당", "제품", "병원",
    "mg", "ml", "mcg", "g", "kg", "iu", "정", "회",
    "얼마", "몇", "정도", "언제", "어디", "누구", "이유", "어느", "시작", "최대", "최소", "통상", "하루", "일반",
    "요즘", "지금", "오늘", "어제", "이번", "지난", "다음",
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
    from documents.korean import kiwi

    if not text or not text.strip():
        return []
    return kiwi().tokenize(text)


def noun_phrases(text: str) -> list[NounPhrase]:
    """Runs of nouns written together ("한빛대학교병원" = 한빛 + 대학교 + 병원), in order."""
    phrases, run = [], []
    for token in _tokens(text):
        if token.tag.startswith(NOUN_TAGS) and token.form not in DEMONSTRATIVE_DETERMINERS:
            if run and run[-1].end != token.start:
                phrases.append(run)
                run = []
            run.append(token)
        elif run:
            phrases.append(run)
            run = []
    if run:
        phrases.append(run)
    return [NounPhrase(text[r[0].start:r[-1].end], tuple(t.form.lower() for t in r)) for r in phrases]


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
