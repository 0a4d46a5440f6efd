"""Rule-based follow-up condensing for the extractive path (the openai provider asks the model).

A question that points back ("그 약 용량은?", "이거 가격은?") or names no subject of its own ("용량은?")
borrows the subjects (noun phrases that are not mere attributes) of the previous question, most recent
first: "리피토 효능은?" then "그 약 용량은?" searches "리피토 약 용량은?".
"""

import re

from core.text import demonstrative_spans, noun_phrases


def needs_context(question: str) -> bool:
    if demonstrative_spans(question):
        return True
    return not any(phrase.is_entity for phrase in noun_phrases(question))


def _without_demonstratives(question: str) -> str:
    spans = demonstrative_spans(question)
    out, last = [], 0
    for start, end in spans:
        out.append(question[last:start])
        last = end
    out.append(question[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def condense_rule_based(question: str, previous_queries: list[str]) -> str:
    """`previous_queries`: the searched forms of the earlier user questions, oldest first."""
    question = question.strip()
    if not previous_queries or not needs_context(question):
        return question
    own = {noun for phrase in noun_phrases(question) for noun in phrase.nouns}
    for previous in reversed(previous_queries):
        subjects = [p.text for p in noun_phrases(previous) if p.is_entity and not set(p.nouns) <= own]
        if subjects:
            seen = []
            for subject in subjects:
                if subject not in seen:
                    seen.append(subject)
            return f"{' '.join(seen)} {_without_demonstratives(question)}".strip()
    return question
