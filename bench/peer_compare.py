"""Ours vs langchain-postgres PGVector, side by side on the same server, rows and vectors (issue 14).

    pip install --no-deps -r bench/requirements.txt   # once; see that file for why --no-deps
    python bench/peer_compare.py --sizes 100000 [1000000] [--queries 100] [--warmup 30] [--parts ...]

Corpus: the synthetic one of bench/search_latency.py (N chunks in N/10 documents, levels L1/L2/L3 in turn,
e5-shaped vectors, real KorQuAD sentences) on its scratch database. The peer's collection is built from the same
rows: `langchain_pg_embedding` gets each chunk's text, vector and {"access_level", "chunk_id"} metadata, then an
HNSW index with the same m 16 / ef_construction 64; both sides search with hnsw.ef_search = SEARCH_HNSW_EF_SEARCH
(200) and iterative scans (relaxed_order; without them the peer's filtered searches return fewer than k).
"filtered" = an L1 user (sees a third) for us, the filter {"access_level": {"$eq": 1}} for them.

Every row is A/B interleaved per query (which side goes first alternates), so both see the same machine load:
read the ratios, not the milliseconds. "ratio" = median over queries of ours/theirs; "p95 ratio" = our p95 / their
p95 (the goal in the issue). Recall@10 against an exact scan for the dense rows.

Rows:
- dense only, vector ready, top 10: our dense leg (access SQL, iterative scan) vs similarity_search_by_vector.
- our dense leg at SEARCH_CANDIDATES (what search uses) vs their top 10.
- whole service, vector ready: search_chunks (both legs, fusion, hydration) vs their similarity_search_by_vector.
- legs: our lexical leg (SEARCH_LEXICAL_BUDGET) against our dense leg, with its top-10 agreement with exact BM25
  (no budget, no timeout) and its timeouts.
- end to end with query embedding: POST /api/search/ (test client: middleware, auth, log rows, JSON) vs their
  similarity_search(query) (embedding + SQL). Both embed with the same in-process e5 model.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402
import search_latency  # noqa: E402

PEER_HNSW_SQL = ("CREATE INDEX IF NOT EXISTS peer_embedding_hnsw ON langchain_pg_embedding USING hnsw "
                 "(embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)")


class InProcessE5:
    """langchain Embeddings over the product's provider: the same model, threads and process for both sides."""

    def embed_documents(self, texts):
        from documents.embeddings import get_provider

        return get_provider().embed_passages(texts)

    def embed_query(self, text):
        from documents.embeddings import get_provider

        return get_provider().embed_query(text)


def peer_store(n):
    import psycopg
    from django.conf import settings
    from django.db import connection
    from langchain_core.embeddings import Embeddings
    from langchain_postgres import PGVector
    from sqlalchemy import create_engine

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    options = f"-c hnsw.ef_search={settings.SEARCH_HNSW_EF_SEARCH} -c hnsw.iterative_scan=relaxed_order"

    def connect():
        return psycopg.connect(**params, options=options)

    engine = create_engine("postgresql+psycopg://", creator=connect, pool_size=2)
    embeddings = type("E5", (InProcessE5, Embeddings), {})()
    return PGVector(embeddings, connection=engine, embedding_length=384, collection_name=f"peer-{n}",
                    use_jsonb=True)


def fill_peer(store, n):
    from django.db import connection

    with store._make_sync_session() as session:
        collection = store.get_collection(session)
        collection_id = collection.uuid
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM langchain_pg_embedding WHERE collection_id = %s", [collection_id])
        if cursor.fetchone()[0] == n:
            print(f"peer: reusing its {n:,} rows")
            return
        started = time.perf_counter()
        cursor.execute("DROP INDEX IF EXISTS peer_embedding_hnsw")
        cursor.execute("DELETE FROM langchain_pg_embedding")
        cursor.execute(
            "INSERT INTO langchain_pg_embedding (id, collection_id, embedding, document, cmetadata) "
            "SELECT gen_random_uuid()::text, %s, c.embedding, c.text, "
            "jsonb_build_object('access_level', d.access_level, 'chunk_id', c.id) "
            "FROM documents_documentchunk c JOIN documents_document d ON d.id = c.document_id", [collection_id])
        loaded = time.perf_counter() - started
        cursor.execute("SET maintenance_work_mem = '4GB'")
        t0 = time.perf_counter()
        cursor.execute(PEER_HNSW_SQL)
        cursor.execute("VACUUM ANALYZE langchain_pg_embedding")
    print(f"peer: copied {n:,} rows in {loaded:.0f} s; HNSW build {time.perf_counter() - t0:.0f} s")


def interleaved(ours, theirs, items):
    """Per item, both sides back to back, alternating which goes first: (our results, their results, ms, ms)."""
    our_out, their_out, our_ms, their_ms = [], [], [], []
    for i, item in enumerate(items):
        order = [(ours, our_out, our_ms), (theirs, their_out, their_ms)]
        for fn, out, times in (order if i % 2 == 0 else order[::-1]):
            t0 = time.perf_counter()
            out.append(fn(item))
            times.append((time.perf_counter() - t0) * 1000)
    return our_out, their_out, our_ms, their_ms


def row(name, case, our_ms, their_ms, extra=""):
    p = _django.percentile
    ratio = float(np.median(np.asarray(our_ms) / np.asarray(their_ms)))
    print(f"| {name} | {case} | {p(our_ms, 50):.1f} / {p(our_ms, 95):.1f} | {p(their_ms, 50):.1f} / "
          f"{p(their_ms, 95):.1f} | {ratio:.2f} | {p(our_ms, 95) / p(their_ms, 95):.2f} |{extra}", flush=True)


def recall(results, truths, lexicals):
    # Queries with a code are left out: our dense leg (and the exact scan) keep only passages containing the code,
    # the peer's search does not, so their truths differ.
    pairs = [(got[:10], truth) for got, truth, lexical in zip(results, truths, lexicals)
             if truth and not lexical.required]
    return float(np.mean([len(set(got) & set(truth)) / len(truth) for got, truth in pairs]))


def exact(name, user, vectors, lexicals, database, n):
    from documents.models import DocumentChunk
    from search.criteria import SearchFilters

    newest = DocumentChunk.objects.order_by("-id").values_list("id", flat=True).first()
    cached = korquad.CACHE / f"exact-{database}-{n}-{newest}-{user.access_level}-{len(vectors)}.json"
    if cached.exists():
        return [[row[0] for row in rows] for rows in json.loads(cached.read_text())]
    rows = [search_latency.exact_top10(user, v.tolist(), lex, SearchFilters()) for v, lex in zip(vectors, lexicals)]
    cached.write_text(json.dumps(rows))
    print(f"exact scan ({name}) done")
    return [[r[0] for r in rs] for rs in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=30, help="other questions searched by both sides first")
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--database", default="bench_search_latency")
    parser.add_argument("--parts", default="dense,candidates,legs,service,api")
    args = parser.parse_args()
    _django.setup(args.database)
    from django.conf import settings
    from rest_framework.test import APIClient

    from accounts.models import User
    from search.backends import postgres
    from search.criteria import SearchFilters
    from search.lexical import analyse
    from search.services import _query_vector, query_vector_key, search_chunks

    paragraphs, _titles, questions, _relevant = korquad.load()
    bases = korquad.passage_embeddings(paragraphs)
    all_vectors = korquad.query_embeddings(questions)
    sentences = search_latency.corpus_sentences(paragraphs)
    warmup = questions[len(questions) - args.warmup:] if args.warmup else []
    questions, vectors = questions[:args.queries], all_vectors[:args.queries]
    lexicals = [analyse(q, synonyms=lambda _q: []) for q in questions]
    users = {}
    for level in (1, 3):
        email = f"bench-l{level}@search.local"
        users[level] = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, name=f"bench L{level}", access_level=level, approval_status="approved")
    parts = set(args.parts.split(","))
    print(f"command: python bench/peer_compare.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}")
    print(f"ours: SEARCH_CANDIDATES={settings.SEARCH_CANDIDATES}, SEARCH_HNSW_EF_SEARCH={settings.SEARCH_HNSW_EF_SEARCH}, "
          f"SEARCH_LEXICAL_BUDGET={settings.SEARCH_LEXICAL_BUDGET}, SEARCH_FUSION={settings.SEARCH_FUSION}, "
          f"EMBEDDING_BATCH_THREADS={settings.EMBEDDING_BATCH_THREADS} (this process embeds for both sides)")
    print(f"server: {_django.server_settings()}")
    for n in args.sizes:
        print(f"\n## N = {n:,} chunks")
        search_latency.fill(n, bases, sentences, noise=args.noise)
        store = peer_store(n)
        fill_peer(store, n)
        cases = {"unfiltered": (users[3], None), "filtered L1 (1/3)": (users[1], {"access_level": {"$eq": 1}})}
        for q in warmup:
            search_chunks(user=users[3], query=q, top_k=10)
            store.similarity_search(q, k=10)
        print(f"warm-up: {len(warmup)} other questions searched by both sides")
        truths = ({name: exact(name, user, vectors, lexicals, args.database, n) for name, (user, _f) in cases.items()}
                  if parts & {"dense", "candidates"} else {})

        def theirs_by_vector(peer_filter):
            return lambda i: [d.metadata["chunk_id"] for d in
                              store.similarity_search_by_vector(vectors[i].tolist(), k=10, filter=peer_filter)]

        print("\n| row | case | ours p50 / p95 (ms) | langchain-postgres p50 / p95 | ratio (median per query) | "
              "p95 ratio | recall@10 ours / theirs (queries without a code) |\n|---|---|---|---|---|---|---|")
        for name, (user, peer_filter) in cases.items():
            if "dense" in parts:
                ours, theirs, our_ms, their_ms = interleaved(
                    lambda i: [c for c, _s in postgres.dense_leg(user, vectors[i].tolist(), lexicals[i], SearchFilters(),
                                                                 limit=10)],
                    theirs_by_vector(peer_filter), range(len(questions)))
                row("dense only, vector ready, top 10", name, our_ms, their_ms,
                    f" {recall(ours, truths[name], lexicals):.3f} / {recall(theirs, truths[name], lexicals):.3f} |")
            if "candidates" in parts:
                ours, theirs, our_ms, their_ms = interleaved(
                    lambda i: [c for c, _s in postgres.dense_leg(user, vectors[i].tolist(), lexicals[i], SearchFilters(),
                                                                 limit=settings.SEARCH_CANDIDATES)],
                    theirs_by_vector(peer_filter), range(len(questions)))
                row(f"our dense leg at {settings.SEARCH_CANDIDATES} candidates vs their top 10", name, our_ms, their_ms,
                    f" {recall(ours, truths[name], lexicals):.3f} / {recall(theirs, truths[name], lexicals):.3f} |")
            if "legs" in parts:  # our two legs against each other (goal: lexical p95 <= dense p95)
                timeouts = []

                def lexical_leg(i):
                    try:
                        return [c for c, _s in postgres.lexical_leg(user, lexicals[i], SearchFilters(),
                                                                    limit=settings.SEARCH_CANDIDATES)]
                    except postgres.LexicalTimeout:
                        timeouts.append(i)
                        return []
                lexical, _d, lexical_ms, dense_ms = interleaved(
                    lexical_leg, lambda i: postgres.dense_leg(user, vectors[i].tolist(), lexicals[i], SearchFilters(),
                                                              limit=settings.SEARCH_CANDIDATES), range(len(questions)))
                saved = settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS
                settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS = 0, 0
                exact_lexical = [lexical_leg(i) for i in range(len(questions))]
                settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS = saved
                agreement = np.mean([len(set(a[:10]) & set(b[:10])) / len(b[:10])
                                     for a, b in zip(lexical, exact_lexical) if b])
                p = _django.percentile
                print(f"| our lexical leg (budget {settings.SEARCH_LEXICAL_BUDGET}) vs our dense leg "
                      f"({settings.SEARCH_CANDIDATES}), both ours | {name} | {p(lexical_ms, 50):.1f} / "
                      f"{p(lexical_ms, 95):.1f} | {p(dense_ms, 50):.1f} / {p(dense_ms, 95):.1f} | "
                      f"{float(np.median(np.asarray(lexical_ms) / np.asarray(dense_ms))):.2f} | "
                      f"{p(lexical_ms, 95) / p(dense_ms, 95):.2f} | top-10 agreement with exact BM25 {agreement:.3f}, "
                      f"timeouts {len(timeouts)} |", flush=True)
            if "service" in parts:
                _query_vector.cache_clear()
                for q in questions:
                    _query_vector(*query_vector_key(), q)
                _o, _t, our_ms, their_ms = interleaved(
                    lambda i: search_chunks(user=user, query=questions[i], top_k=10),
                    theirs_by_vector(peer_filter), range(len(questions)))
                row("whole service (hybrid), vector ready vs their dense", name, our_ms, their_ms, " |")
            if "api" in parts:
                client = APIClient()
                client.force_authenticate(user)
                _query_vector.cache_clear()  # every query pays its embedding, on both sides

                def ours_api(i):
                    response = client.post("/api/search/", {"query": questions[i], "top_k": 10}, format="json")
                    assert response.status_code == 200, response.content
                _o, _t, our_ms, their_ms = interleaved(
                    ours_api, lambda i: store.similarity_search(questions[i], k=10, filter=peer_filter),
                    range(len(questions)))
                row("end to end with query embedding: POST /api/search/ vs similarity_search", name, our_ms,
                    their_ms, " |")


if __name__ == "__main__":
    main()
