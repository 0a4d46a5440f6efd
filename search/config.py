"""Retrieval settings read once per query (`RetrievalConfig.from_settings()`, at call time, so tests that override
settings see their values) and passed down to the legs instead of being read inside them."""

from dataclasses import dataclass

from django.conf import settings

from search.fusion import FusionConfig


@dataclass(frozen=True)
class RetrievalConfig:
    backend: str
    candidates: int
    rank_documents: bool
    passages_per_document: int
    ef_search: int
    lexical_ranking: str
    lexical_budget: int
    lexical_timeout_ms: int
    parallel_legs: bool
    fusion: FusionConfig

    @classmethod
    def from_settings(cls) -> "RetrievalConfig":
        return cls(backend=settings.SEARCH_BACKEND, candidates=settings.SEARCH_CANDIDATES,
                   rank_documents=settings.SEARCH_RANK_DOCUMENTS,
                   passages_per_document=settings.SEARCH_PASSAGES_PER_DOCUMENT,
                   ef_search=settings.SEARCH_HNSW_EF_SEARCH, lexical_ranking=settings.SEARCH_LEXICAL_RANKING,
                   lexical_budget=settings.SEARCH_LEXICAL_BUDGET,
                   lexical_timeout_ms=int(settings.SEARCH_LEXICAL_TIMEOUT_MS or 0),
                   parallel_legs=settings.SEARCH_PARALLEL_LEGS,
                   fusion=FusionConfig.from_settings())
