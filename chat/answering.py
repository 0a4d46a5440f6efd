"""Answering one question: an ordered list of steps with one contract between them, like
documents/pipeline.py's STEPS.

`begin` validates the question (once, before anything streams: a bad one is a Korean 400) and opens the
`Turn`, the one state every step reads and fills. Each step is a small function `step(turn, trace)` that
records what it did on `trace` (one TraceLog row per step, in this order) and returns the events it emits
(usually none):

condense (follow-up -> self-contained question) -> crm (the customers, products, metrics and period a
question asks of the CRM and those records alone) -> retrieve (search_chunks as the asking user) -> read (the
composer decides what answers and whether anything does) -> generate (announce the sources, then the
provider's answer, checked for citations while it streams; no model call when nothing answers, and
`fall_back` when the model fails) -> check_citations -> store (one transaction).

A CRM question is answered from records alone, so retrieve and read do not run for it (`Step.runs`).

`answer_events` yields ("meta" | "delta" | "done", payload) events. The streaming view sends them as
Server-Sent Events and the plain POST consumes them, so both store exactly the text that was produced.
"""

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

from chat import crm, services
from chat.citations import CitationFilter
from chat.condense import condense_rule_based
from chat.models import ChatMessage, Role
from chat.providers import ExtractiveProvider, Generation, LLMUnavailable, Reading, Source, get_provider
from core.models import Outcome, TraceLog
from core.traces import Step as Trace
from core.traces import traced
from search.composer import compose, passages_from_hits
from search.config import RetrievalConfig
from search.services import search_chunks

FALLBACK_NOTICE = "\n\n(답변 생성 서버의 응답이 끊겨, 아래는 문서에서 바로 발췌한 답변입니다.)\n"

Event = tuple[str, object]


@dataclass
class Turn:
    """The state of one question being answered: what `begin` knows, then what each step adds."""

    session: object
    user: object
    question: str
    provider: object
    history: list[tuple[str, str]]
    previous_queries: list[str]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.perf_counter)
    search_query: str = ""
    llm_failure: str = ""  # why the model must not be asked to answer (it failed while condensing)
    reading: Reading = field(default_factory=Reading)
    sources: list[Source] = field(default_factory=list)
    hits: list = field(default_factory=list)
    citations: CitationFilter | None = None
    parts: list[str] = field(default_factory=list)
    generation: Generation | None = None
    answered_by: tuple[str, str] = ("extractive", "")  # provider, model
    question_message: ChatMessage | None = None
    answer_message: ChatMessage | None = None

    @property
    def about_documents(self) -> bool:
        return self.reading.crm_asked is None


def _history(session) -> tuple[list[tuple[str, str]], list[str]]:
    turns = settings.CHAT_HISTORY_TURNS * 2
    messages = list(ChatMessage.objects.filter(session=session).order_by("-created_at", "-id")
                    .values("role", "content", "search_query")[:turns])[::-1]
    history = [(m["role"], m["content"]) for m in messages]
    previous_queries = [m["search_query"] or m["content"] for m in messages if m["role"] == Role.USER]
    return history, previous_queries


def _passage_source(n: int, hit) -> Source:
    page = f" p.{hit.page}" if hit.page else ""
    return Source(n=n, kind="passage", title=f"{hit.document_title} (v{hit.document_version}{page})", text=hit.text,
                  data={"chunk_id": hit.chunk_id, "document_id": str(hit.document_id),
                        "document_title": hit.document_title, "document_version": hit.document_version,
                        "page": hit.page, "score": round(hit.score, 6), "dense_score": hit.dense_score,
                        "lexical_score": hit.lexical_score, "excerpt": hit.text[:500]})


def _crm_source(n: int, fact: dict) -> Source:
    return Source(n=n, kind="crm", title=f"영업 기록: {fact['label']}", text=fact["text"], data=dict(fact))


def source_records(sources: list[Source], cited: list[int]) -> list[dict]:
    return [{"n": s.n, "kind": s.kind, "cited": s.n in cited, **s.data} for s in sources]


def begin(*, session, user, question) -> Turn:
    """The validated question and what the steps need to answer it; MessageInvalid (400) for a bad one."""
    question = services.validate_question(question)
    history, previous_queries = _history(session)
    return Turn(session=session, user=user, question=question, provider=get_provider(), history=history,
                previous_queries=previous_queries)


def condense(turn: Turn, trace: Trace) -> Iterable[Event]:
    provider = turn.provider
    try:
        turn.search_query = provider.condense(question=turn.question, history=turn.history,
                                              previous_queries=turn.previous_queries)
    except LLMUnavailable as exc:
        turn.search_query = condense_rule_based(turn.question, turn.previous_queries)
        trace.outcome, trace.error = Outcome.FALLBACK, str(exc)
        turn.llm_failure = "the LLM server failed while condensing the question"
    trace.detail = {"provider": provider.name, "search_query": turn.search_query,
                    "changed": turn.search_query != turn.question}
    return ()


def crm_records(turn: Turn, trace: Trace) -> Iterable[Event]:
    asked = crm.crm_question(user=turn.user, text=turn.search_query, previous_queries=turn.previous_queries)
    facts, notes = crm.question_facts(user=turn.user, asked=asked) if asked else ([], [])
    if asked and asked.carried and asked.customers[0].name not in turn.search_query:
        turn.search_query = f"{asked.customers[0].name} {turn.search_query}"
    turn.reading = Reading(crm_notes=notes, crm_asked=asked)
    turn.sources = [_crm_source(n, fact) for n, fact in enumerate(facts, start=1)]
    trace.detail = {"records": len(facts), "customers": [c.pk for c in asked.customers] if asked else [],
                    "products": [p.pk for p in asked.products] if asked else [],
                    "metrics": sorted(asked.metrics) if asked else [], "carried": bool(asked and asked.carried)}
    trace.outcome = Outcome.OK if facts else Outcome.EMPTY
    return ()


def retrieve(turn: Turn, trace: Trace) -> Iterable[Event]:
    # The answer reads evidence, not a result list: every passage of the best documents counts (a cap of
    # one passage per document cost answer accuracy 0.988 -> 0.929 on bench/answer_eval.py).
    turn.hits = search_chunks(user=turn.user, query=turn.search_query, top_k=settings.CHAT_TOP_K,
                              per_document=settings.CHAT_PASSAGES_PER_DOCUMENT, config=RetrievalConfig.from_settings())
    trace.detail = {"hits": len(turn.hits), "chunk_ids": [h.chunk_id for h in turn.hits]}
    trace.outcome = Outcome.OK if turn.hits else Outcome.EMPTY
    return ()


def read(turn: Turn, trace: Trace) -> Iterable[Event]:
    answer = turn.reading.answer = compose(turn.search_query, passages_from_hits(turn.hits))
    kept = set(answer.considered) if answer.reason in ("answered", "attribute_not_found") else set()
    turn.sources += [_passage_source(n, hit) for n, hit in enumerate(turn.hits, start=1) if n in kept]
    trace.detail = {"answerable": answer.answerable, "reason": answer.reason, "confidence": answer.confidence,
                    "cited": answer.cited, **answer.question.describe()}
    trace.outcome = Outcome.OK if answer.answerable else Outcome.EMPTY
    return ()


def _extractive(turn: Turn) -> Generation:
    return ExtractiveProvider().generate(question=turn.question, search_query=turn.search_query,
                                         sources=turn.sources, reading=turn.reading)


def fall_back(turn: Turn, trace: Trace, *, reason: str) -> Generation:
    """The one fallback: when the model fails or gives nothing usable, answer extractively from the same
    sources, after a notice if part of the model's answer was already sent."""
    turn.citations.discard_pending()
    trace.outcome, trace.error = Outcome.FALLBACK, reason
    trace.detail["fallback"] = "extractive"
    generation = _extractive(turn)
    if "".join(turn.parts).strip():
        generation.pieces = iter([FALLBACK_NOTICE, *generation.pieces])
    return generation


def _send(turn: Turn, pieces: Iterable[str]) -> Iterator[Event]:
    """Stream pieces through the citation check; what is sent is what is stored."""
    for piece in pieces:
        checked = turn.citations.feed(piece)
        if checked:
            turn.parts.append(checked)
            yield "delta", {"text": checked}


def _send_tail(turn: Turn, tail: str) -> Iterator[Event]:
    if tail:
        turn.parts.append(tail)
        yield "delta", {"text": tail}


def generate(turn: Turn, trace: Trace) -> Iterator[Event]:
    yield "meta", {"request_id": turn.request_id, "search_query": turn.search_query,
                   "sources": source_records(turn.sources, cited=[])}
    turn.citations = CitationFilter(source.n for source in turn.sources)
    provider = turn.provider
    trace.detail = {"provider": provider.name, "sources": len(turn.sources)}
    if not turn.reading.has_evidence or not turn.sources:  # nothing answers: no model is asked
        trace.outcome = Outcome.EMPTY
        turn.generation = _extractive(turn)
    elif turn.llm_failure:
        turn.generation = fall_back(turn, trace, reason=turn.llm_failure)
    elif isinstance(provider, ExtractiveProvider):
        turn.generation = _extractive(turn)
    else:
        try:
            generation = provider.generate(question=turn.question, search_query=turn.search_query,
                                           sources=turn.sources, reading=turn.reading)
            yield from _send(turn, generation)
            tail = turn.citations.finish()
            if not ("".join(turn.parts) + tail).strip():
                raise LLMUnavailable("the model returned an empty answer")
            yield from _send_tail(turn, tail)
            turn.generation, turn.answered_by = generation, (generation.provider, generation.model)
            return
        except LLMUnavailable as exc:
            turn.generation = fall_back(turn, trace, reason=str(exc))
    yield from _send(turn, turn.generation)
    yield from _send_tail(turn, turn.citations.finish())


def check_citations(turn: Turn, trace: Trace) -> Iterable[Event]:
    citations = turn.citations
    if citations.removed:
        trace.error = f"removed {citations.removed} citation(s) to sources not given: {citations.invalid}"
    trace.detail = {"removed": citations.removed, "invalid": citations.invalid, "cited": citations.cited,
                    "sources": len(turn.sources)}
    return ()


def store(turn: Turn, trace: Trace) -> Iterable[Event]:
    latency_ms = round((time.perf_counter() - turn.started) * 1000)
    provider, model = turn.answered_by
    turn.question_message, turn.answer_message = services.exchange_store(
        session=turn.session, question=turn.question, search_query=turn.search_query, answer="".join(turn.parts),
        sources=source_records(turn.sources, cited=turn.citations.cited), request_id=turn.request_id,
        provider=provider, model=model, latency_ms=latency_ms,
        prompt_tokens=getattr(turn.generation, "prompt_tokens", None),
        completion_tokens=getattr(turn.generation, "completion_tokens", None),
    )
    return ()


@dataclass(frozen=True)
class Step:
    name: str  # the TraceLog step
    run: Callable[[Turn, Trace], Iterable[Event]]
    runs: Callable[[Turn], bool] = lambda turn: True


STEPS = [
    Step("condense", condense),
    Step("crm", crm_records),
    Step("retrieve", retrieve, runs=lambda turn: turn.about_documents),
    Step("read", read, runs=lambda turn: turn.about_documents),
    Step("generate", generate),
    Step("check_citations", check_citations),
    Step("store", store),
]


def _run(turn: Turn) -> Iterator[Event]:
    for step in STEPS:
        if step.runs(turn):
            with traced(step.name, request_id=turn.request_id) as trace:
                yield from step.run(turn, trace)
    TraceLog.objects.filter(request_id=turn.request_id, message__isnull=True).update(message=turn.answer_message)
    yield "done", {"question": turn.question_message, "answer": turn.answer_message}


def answer_events(*, session, user, question) -> Iterator[Event]:
    """The events of answering `question`; the question is validated now (MessageInvalid), not when the
    first event is read, so a view can still answer 400 before it starts a stream."""
    return _run(begin(session=session, user=user, question=question))


def answer(*, session, user, question) -> tuple[ChatMessage, ChatMessage]:
    """The non-streaming path: the same events, consumed here."""
    for event, payload in answer_events(session=session, user=user, question=question):
        if event == "done":
            return payload["question"], payload["answer"]
    raise RuntimeError("answering ended without storing the exchange")
