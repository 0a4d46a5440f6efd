"""Answering one question, as a list of traced steps with one contract between them:

condense (follow-up -> self-contained question) -> crm (the customers, products, metrics and period a
question asks of the CRM, the customer of the conversation kept for follow-ups, and those records alone)
-> retrieve (search_chunks as the asking user; only for questions about documents) -> read (the composer
decides what answers and whether anything does) -> generate (provider, falling back to extractive; no
model call when nothing answers) -> check citations (while streaming) -> store (one transaction).

`answer_events` yields ("meta" | "delta" | "done", payload) events. The streaming view sends them as
Server-Sent Events and the plain POST consumes them, so both store exactly the text that was produced.
"""

import time
import uuid
from collections.abc import Iterator

from django.conf import settings

from chat import crm, services
from chat.citations import CitationFilter
from chat.condense import condense_rule_based
from chat.models import ChatMessage, Outcome, Role, TraceLog
from chat.providers import ExtractiveProvider, LLMUnavailable, Reading, Source, get_provider
from chat.traces import record_trace, traced
from search.composer import compose, passages_from_hits
from search.services import search_chunks

FALLBACK_NOTICE = "\n\n(답변 생성 서버의 응답이 끊겨, 아래는 문서에서 바로 발췌한 답변입니다.)\n"


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


def answer_events(*, session, user, question: str) -> Iterator[tuple[str, object]]:
    question = services.validate_question(question)
    request_id = uuid.uuid4().hex
    started = time.perf_counter()
    provider = get_provider()
    llm_usable = not isinstance(provider, ExtractiveProvider)
    history, previous_queries = _history(session)

    with traced("condense", request_id=request_id) as step:
        try:
            search_query = provider.condense(question=question, history=history, previous_queries=previous_queries)
        except LLMUnavailable as exc:
            search_query = condense_rule_based(question, previous_queries)
            step.outcome, step.error, llm_usable = Outcome.FALLBACK, str(exc), False
        step.detail = {"provider": provider.name, "search_query": search_query, "changed": search_query != question}

    with traced("crm", request_id=request_id) as step:
        asked = crm.crm_question(user=user, text=search_query, previous_queries=previous_queries)
        facts, notes = crm.question_facts(user=user, asked=asked) if asked else ([], [])
        if asked and asked.carried and asked.customers[0].name not in search_query:
            search_query = f"{asked.customers[0].name} {search_query}"
        step.detail = {"records": len(facts), "customers": [c.pk for c in asked.customers] if asked else [],
                       "products": [p.pk for p in asked.products] if asked else [],
                       "metrics": sorted(asked.metrics) if asked else [], "carried": bool(asked and asked.carried)}
        step.outcome = Outcome.OK if facts else Outcome.EMPTY

    sources = [_crm_source(n, fact) for n, fact in enumerate(facts, start=1)]
    reading = Reading(crm_notes=notes, crm_asked=asked)
    if asked is None:  # a question about documents; a CRM question is answered from records alone
        with traced("retrieve", request_id=request_id) as step:
            # The answer reads evidence, not a result list: every passage of the best documents counts (a cap of
            # one passage per document cost answer accuracy 0.988 -> 0.929 on bench/answer_eval.py).
            hits = search_chunks(user=user, query=search_query, top_k=settings.CHAT_TOP_K,
                                 per_document=settings.CHAT_PASSAGES_PER_DOCUMENT)
            step.detail = {"hits": len(hits), "chunk_ids": [h.chunk_id for h in hits]}
            step.outcome = Outcome.OK if hits else Outcome.EMPTY
        with traced("read", request_id=request_id) as step:
            reading.answer = compose(search_query, passages_from_hits(hits))
            kept = set(reading.answer.considered) if reading.answer.reason in ("answered", "attribute_not_found") else set()
            sources += [_passage_source(n, hit) for n, hit in enumerate(hits, start=1) if n in kept]
            step.detail = {"answerable": reading.answer.answerable, "reason": reading.answer.reason,
                           "confidence": reading.answer.confidence, "cited": reading.answer.cited,
                           **reading.answer.question.describe()}
            step.outcome = Outcome.OK if reading.answer.answerable else Outcome.EMPTY
    yield "meta", {"request_id": request_id, "search_query": search_query,
                   "sources": source_records(sources, cited=[])}

    citation_filter = CitationFilter(source.n for source in sources)
    parts: list[str] = []
    generation = None
    with traced("generate", request_id=request_id) as step:
        step.detail = {"provider": provider.name, "sources": len(sources)}
        if not reading.has_evidence or not sources:  # nothing answers: no model is asked
            pieces = list(ExtractiveProvider().generate(question=question, search_query=search_query,
                                                        sources=sources, reading=reading))
            used_provider, used_model = "extractive", ""
            step.outcome = Outcome.EMPTY
        elif llm_usable:
            try:
                generation = provider.generate(question=question, search_query=search_query, sources=sources,
                                               reading=reading)
                for piece in generation:
                    checked = citation_filter.feed(piece)
                    if checked:
                        parts.append(checked)
                        yield "delta", {"text": checked}
                if not "".join(parts).strip() and not citation_filter.finish().strip():
                    raise LLMUnavailable("the model returned an empty answer")
                pieces, used_provider, used_model = [], generation.provider, generation.model
            except LLMUnavailable as exc:
                citation_filter.discard_pending()
                step.outcome, step.error = Outcome.FALLBACK, str(exc)
                step.detail["fallback"] = "extractive"
                generation = ExtractiveProvider().generate(question=question, search_query=search_query,
                                                           sources=sources, reading=reading)
                pieces = ([FALLBACK_NOTICE] if "".join(parts).strip() else []) + list(generation)
                used_provider, used_model = "extractive", ""
        else:
            if provider.name != "extractive":
                step.outcome, step.detail["fallback"] = Outcome.FALLBACK, "extractive"
                step.error = "the LLM server failed while condensing the question"
            generation = ExtractiveProvider().generate(question=question, search_query=search_query, sources=sources,
                                                       reading=reading)
            pieces, used_provider, used_model = list(generation), "extractive", ""
        for piece in pieces:
            checked = citation_filter.feed(piece)
            if checked:
                parts.append(checked)
                yield "delta", {"text": checked}
        tail = citation_filter.finish()
        if tail:
            parts.append(tail)
            yield "delta", {"text": tail}

    record_trace(step="check_citations", request_id=request_id,
                 error=f"removed {citation_filter.removed} citation(s) to sources not given: {citation_filter.invalid}"
                 if citation_filter.removed else "",
                 detail={"removed": citation_filter.removed, "invalid": citation_filter.invalid,
                         "cited": citation_filter.cited, "sources": len(sources)})
    latency_ms = round((time.perf_counter() - started) * 1000)
    with traced("store", request_id=request_id):
        question_message, answer_message = services.exchange_store(
            session=session, question=question, search_query=search_query, answer="".join(parts),
            sources=source_records(sources, cited=citation_filter.cited), request_id=request_id,
            provider=used_provider, model=used_model, latency_ms=latency_ms,
            prompt_tokens=getattr(generation, "prompt_tokens", None),
            completion_tokens=getattr(generation, "completion_tokens", None),
        )
    TraceLog.objects.filter(request_id=request_id, message__isnull=True).update(message=answer_message)
    yield "done", {"question": question_message, "answer": answer_message}


def answer(*, session, user, question: str) -> tuple[ChatMessage, ChatMessage]:
    """The non-streaming path: the same events, consumed here."""
    for event, payload in answer_events(session=session, user=user, question=question):
        if event == "done":
            return payload["question"], payload["answer"]
    raise RuntimeError("answering ended without storing the exchange")
