"""Fusion of the dense and lexical legs into one ranking.

- "rrf": reciprocal rank fusion, sum of weight / (k + rank).
- "convex": min-max normalise each leg's scores over its candidates, then weight and add; a passage
  missing from a leg scores 0 there. On KorQuAD this beats both legs while RRF loses to lexical alone
  (see docs/notes/issue-5.md and Bruch et al., ACM TOIS 2023).
"""

from dataclasses import dataclass

from django.conf import settings

Leg = list[tuple[int, float]]  # (chunk id, score), best first


@dataclass(frozen=True)
class FusionConfig:
    method: str = "convex"
    lexical_weight: float = 0.6
    dense_weight: float = 0.4
    rrf_k: int = 60

    @classmethod
    def from_settings(cls) -> "FusionConfig":
        return cls(method=settings.SEARCH_FUSION, lexical_weight=settings.SEARCH_LEXICAL_WEIGHT,
                   dense_weight=settings.SEARCH_DENSE_WEIGHT, rrf_k=settings.SEARCH_RRF_K)


def reciprocal_rank_fusion(dense: Leg, lexical: Leg, *, dense_weight=1.0, lexical_weight=1.0, k=60) -> dict[int, float]:
    fused: dict[int, float] = {}
    for leg, weight in ((dense, dense_weight), (lexical, lexical_weight)):
        for rank, (chunk_id, _score) in enumerate(leg, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank)
    return fused


def _min_max(leg: Leg) -> dict[int, float]:
    if not leg:
        return {}
    scores = [score for _id, score in leg]
    low, high = min(scores), max(scores)
    if high - low <= 1e-12:
        return {chunk_id: 1.0 for chunk_id, _score in leg}
    return {chunk_id: (score - low) / (high - low) for chunk_id, score in leg}


def convex_combination(dense: Leg, lexical: Leg, *, dense_weight=0.4, lexical_weight=0.6) -> dict[int, float]:
    dense_norm, lexical_norm = _min_max(dense), _min_max(lexical)
    return {
        chunk_id: dense_weight * dense_norm.get(chunk_id, 0.0) + lexical_weight * lexical_norm.get(chunk_id, 0.0)
        for chunk_id in dense_norm.keys() | lexical_norm.keys()
    }


def fuse(dense: Leg, lexical: Leg, config: FusionConfig | None = None) -> list[tuple[int, float]]:
    """The fused ranking, best first (ties broken by chunk id for a stable order)."""
    config = config or FusionConfig.from_settings()
    if config.method == "rrf":
        fused = reciprocal_rank_fusion(dense, lexical, dense_weight=config.dense_weight,
                                       lexical_weight=config.lexical_weight, k=config.rrf_k)
    elif config.method == "convex":
        fused = convex_combination(dense, lexical, dense_weight=config.dense_weight,
                                   lexical_weight=config.lexical_weight)
    else:
        raise ValueError(f"unknown SEARCH_FUSION {config.method!r}; choose 'convex' or 'rrf'")
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
