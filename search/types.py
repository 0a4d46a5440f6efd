"""What the retrieval service returns: the contract between search, chat and the API."""

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchHit:
    chunk_id: int
    document_id: uuid.UUID
    document_title: str
    document_type: str
    document_version: int
    page: int | None
    text: str
    score: float  # fused score, higher is better
    dense_score: float | None = None  # cosine similarity, when the dense leg found it
    lexical_score: float | None = None  # BM25 (or ts_rank_cd), when the lexical leg found it
    highlights: list[str] = field(default_factory=list)  # HTML-escaped fragments with <mark> around matches
    section: str = ""
