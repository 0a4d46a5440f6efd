"""A persistent cache in front of the product's embedding provider, for benchmarks only.

e5 on two shared cores embeds one or two passages a second, so every benchmark run that re-ingests the same
passages would spend most of its time there. `install()` wraps `documents.embeddings.get_provider` (used by
the pipeline's embed step and by search's query embedding) so each distinct text is embedded once, by the
real provider, and kept in .bench-cache/embeddings-<provider>.sqlite (git-ignored) keyed by its SHA-256.
"""

import hashlib
import sqlite3
import time

import korquad
import numpy as np
from korquad import CACHE


class CachedProvider:
    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions
        CACHE.mkdir(exist_ok=True)
        self.db = sqlite3.connect(CACHE / f"embeddings-{inner.name}.sqlite", check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (kind TEXT, digest TEXT, vector BLOB, "
                        "PRIMARY KEY (kind, digest))")
        self.misses = 0

    @staticmethod
    def _digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def _lookup(self, kind: str, texts: list[str]) -> dict[str, list[float]]:
        found = {}
        digests = [self._digest(t) for t in texts]
        for start in range(0, len(digests), 500):
            part = digests[start:start + 500]
            rows = self.db.execute(f"SELECT digest, vector FROM vectors WHERE kind = ? AND digest IN "
                                   f"({','.join('?' * len(part))})", [kind, *part]).fetchall()
            found.update({digest: np.frombuffer(blob, dtype=np.float32).tolist() for digest, blob in rows})
        return found

    def store(self, kind: str, texts: list[str], vectors) -> None:
        self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                            [(kind, self._digest(t), np.asarray(v, dtype=np.float32).tobytes())
                             for t, v in zip(texts, vectors, strict=True)])
        self.db.commit()

    def embed_passages(self, texts):
        texts = list(texts)
        found = self._lookup("passage", texts)
        missing = list(dict.fromkeys(t for t in texts if self._digest(t) not in found))
        for start in range(0, len(missing), 32):
            batch = missing[start:start + 32]
            began = time.perf_counter()
            vectors = self.inner.embed_passages(batch)
            self.store("passage", batch, vectors)
            found.update({self._digest(t): list(v) for t, v in zip(batch, vectors)})
            self.misses += len(batch)
            print(f"    embedded {len(batch)} new passages in {time.perf_counter() - began:.1f} s "
                  f"({self.misses} this run)", flush=True)
        return [found[self._digest(t)] for t in texts]

    def embed_query(self, text):
        found = self._lookup("query", [text])
        if found:
            return next(iter(found.values()))
        vector = self.inner.embed_query(text)
        self.store("query", [text], [vector])
        return vector


def seed_from_korquad(cached: CachedProvider) -> None:
    """Reuse the in-process benchmark's KorQuAD vectors (a paragraph that stays one passage is the same text)."""
    paragraphs, _titles, questions, _relevant = korquad.load()
    for kind, name, texts in (("passage", "korquad-passages-e5", paragraphs), ("query", "korquad-queries-e5", questions)):
        path = korquad.cache_path(name, texts)
        if path.exists() and len(cached._lookup(kind, texts[:1])) == 0:
            cached.store(kind, texts, np.load(path))


def install():
    """Route the product's provider through the cache; returns the cached provider."""
    from documents import embeddings
    from search import services

    cached = CachedProvider(embeddings.get_provider())
    embeddings.get_provider = lambda: cached
    services.get_provider = lambda: cached
    services._query_vector.cache_clear()
    seed_from_korquad(cached)
    return cached
