"""Search latency at scale: p50/p95/p99 end to end (API) and for the service alone, unfiltered and filtered,
dense recall@10 against an exact scan, and the hnsw.ef_search / recall / latency trade-off.

    python bench/search_latency.py --sizes 10000 100000 [--queries 200] [--ef 20 40 64 100 200 400]
        [--lexical-exact 30] [--warmup 200] [--parts dense,lexical,embed,service,api]

The service and API rows come twice: with the query embedded per query by the in-process e5 model (as a
first-time query on this machine) and with its vector ready (what an embedding server or the query-vector cache
leaves to this process). Point EMBEDDED_PG_DIR at a server tuned for the run (shared_buffers etc.; printed).

Corpus: N chunks in N/10 documents on a scratch database of the embedded server (bulk COPY, then the HNSW
and GIN indexes of the migration are rebuilt). Documents are L1, L2 and L3 in turn, so an L1 user sees a
third of the corpus (the "filtered" case); the "unfiltered" user is L3 and sees everything through the same
access SQL. Vectors are shaped like real embeddings: each is a Dirichlet-weighted mixture of 3 real
multilingual-e5-small passage embeddings of KorQuAD paragraphs plus Gaussian noise (sigma per dimension
--noise, default 0.02), re-normalised. Text: 3 real sentences of those paragraphs, so the lexical leg sees
Korean with realistic term statistics. Queries: KorQuAD questions (cached e5 query embeddings for the leg
measurements; the service and API embed the query themselves, as in production).
"""

import argparse
import io
import json
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402

HNSW_SQL = ("CREATE INDEX idx_chunk_embedding_hnsw ON documents_documentchunk USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)")
GIN_SQL = "CREATE INDEX idx_chunk_search_vector ON documents_documentchunk USING gin (search_vector)"


def corpus_sentences(paragraphs):
    from core.text import lexical_terms, split_sentences

    per_paragraph = []
    for text in paragraphs:
        sentences = [s.text for s in split_sentences(text) if len(s.text) > 5] or [text]
        per_paragraph.append([(s, " ".join(lexical_terms(s))) for s in sentences])
    return per_paragraph


def fill(n, bases, sentences, *, noise, seed=1):
    from django.db import connection
    from pgvector.psycopg import register_vector

    from documents.models import ApprovalState, Document, DocumentChunk, DocumentType, ProcessingStatus

    n_docs = max(1, n // 10)
    if DocumentChunk.objects.count() == n and Document.objects.count() == n_docs:
        print(f"reusing the {n:,} chunks already loaded")
        return
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE documents_documentchunk, documents_document CASCADE")
        cursor.execute("DROP INDEX IF EXISTS idx_chunk_embedding_hnsw")
        cursor.execute("DROP INDEX IF EXISTS idx_chunk_search_vector")
    doc_ids = [uuid.uuid4() for _ in range(n_docs)]
    for start in range(0, n_docs, 5000):
        Document.objects.bulk_create([
            Document(id=doc_id, title=f"bench {i}", document_type=DocumentType.TXT, source=f"bench-{i}.txt",
                     file=f"bench/{i}.txt", checksum=f"{i:064d}", access_level=1 + i % 3,
                     approval_state=ApprovalState.APPROVED, status=ProcessingStatus.READY)
            for i, doc_id in enumerate(doc_ids[start:start + 5000], start=start)
        ])
    raw = connection.connection
    register_vector(raw)
    with raw.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_stage (document_id uuid, ordinal int, text text, lex text, embedding vector(384))")
        batch = 20000
        for start in range(0, n, batch):
            size = min(batch, n - start)
            mix = rng.choice(len(bases), size=(size, 3))
            weights = rng.dirichlet([1.0, 1.0, 1.0], size=size).astype(np.float32)
            vectors = np.einsum("ij,ijk->ik", weights, bases[mix]) + rng.normal(0, noise, (size, bases.shape[1])).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            with cur.copy("COPY bench_stage FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["uuid", "int4", "text", "text", "vector"])
                for j in range(size):
                    k = start + j
                    picked = []
                    for para in mix[j][:2]:
                        options = sentences[para]
                        picked.append(options[rng.integers(len(options))])
                    options = sentences[mix[j][0]]
                    picked.append(options[rng.integers(len(options))])
                    copy.write_row([doc_ids[k // 10], k % 10, " ".join(s for s, _ in picked),
                                    " ".join(t for _, t in picked), vectors[j]])
            print(f"  staged {start + size:,}/{n:,}", flush=True)
        cur.execute(
            "INSERT INTO documents_documentchunk (document_id, ordinal, text, page, section, char_start, char_end, "
            "token_count, embedding, search_vector) SELECT document_id, ordinal, text, NULL, '', 0, length(text), 0, "
            "embedding, to_tsvector('simple', lex) FROM bench_stage")
        cur.execute("DROP TABLE bench_stage")
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '4GB'")
        t0 = time.perf_counter()
        cursor.execute(HNSW_SQL)
        hnsw_seconds = time.perf_counter() - t0
        cursor.execute(GIN_SQL)
        cursor.execute("VACUUM ANALYZE documents_documentchunk")
        cursor.execute("VACUUM ANALYZE documents_document")
    print(f"loaded {n:,} chunks in {loaded:.0f} s; HNSW index build {hnsw_seconds:.0f} s")


def timed(fn, items):
    out, times = [], []
    for item in items:
        t0 = time.perf_counter()
        out.append(fn(item))
        times.append((time.perf_counter() - t0) * 1000)
    return out, times


def fmt(times):
    p = _django.percentile
    return f"{p(times, 50):.1f} | {p(times, 95):.1f} | {p(times, 99):.1f}"


def exact_top10(user, vector, lexical, filters) -> list[tuple[int, float]]:
    from django.db import connection, transaction

    from search.backends import postgres

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        return postgres.dense_leg(user, vector, lexical, filters, limit=10)


def log_write_ab(user, rows=200):
    """The search log's write, A/B interleaved: full_clean + save of both rows (before issue 14) vs _log_write."""
    from django.db import transaction

    from search.models import SearchQuery, SearchResponse
    from search.services import _log_write

    def rows_for(i):
        log = SearchQuery(user=user, text=f"로그 쓰기 측정 {i}", filters={}, top_k=10)
        sources = [{"n": n, "chunk_id": n, "document_id": "x", "title": "t", "page": None, "score": 0.5}
                   for n in range(1, 11)]
        return log, SearchResponse(query=log, answer="답변 [1]", sources=sources, result_count=10,
                                   response_time_ms=100, backend="postgres")

    def before(i):
        log, response = rows_for(i)
        with transaction.atomic():
            log.full_clean()
            log.save()
            response.full_clean()
            response.save()

    old_ms, new_ms = [], []
    for i in range(rows):
        for fn, times in ((before, old_ms), (lambda j: _log_write(*rows_for(j)), new_ms))[::1 if i % 2 else -1]:
            t0 = time.perf_counter()
            fn(i)
            times.append((time.perf_counter() - t0) * 1000)
    SearchQuery.objects.filter(text__startswith="로그 쓰기 측정").delete()
    print(f"\nsearch log write ({rows} each, interleaved): full_clean + save {fmt(old_ms)} ms (p50 | p95 | p99); "
          f"_log_write {fmt(new_ms)} ms; median ratio {np.median(old_ms) / np.median(new_ms):.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef", type=int, nargs="+", default=[20, 40, 64, 100, 200, 400])
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--database", default="bench_search_latency")
    parser.add_argument("--parts", default="dense,lexical,embed,service,api",
                        help="comma-separated subset of dense,lexical,log,embed,service,api")
    parser.add_argument("--lexical-exact", type=int, default=0, metavar="Q",
                        help="for the first Q queries, also run the lexical leg without budget and timeout and "
                             "report the top-10 overlap")
    parser.add_argument("--warmup", type=int, default=200,
                        help="other KorQuAD questions searched before the service/API blocks (0 = none)")
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
    query_vectors = korquad.query_embeddings(questions)
    sentences = corpus_sentences(paragraphs)
    warmup = questions[len(questions) - args.warmup:] if args.warmup else []
    questions, query_vectors = questions[:args.queries], query_vectors[:args.queries]
    users = {}
    for level in (1, 3):
        email = f"bench-l{level}@search.local"
        users[level] = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, name=f"bench L{level}", access_level=level, approval_status="approved")
    filters = SearchFilters()
    lexicals = [analyse(q, synonyms=lambda _q: []) for q in questions]
    parts = set(args.parts.split(","))
    print(f"command: python bench/search_latency.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}")
    print(f"defaults: SEARCH_HNSW_EF_SEARCH={settings.SEARCH_HNSW_EF_SEARCH}, SEARCH_CANDIDATES={settings.SEARCH_CANDIDATES}, "
          f"SEARCH_FUSION={settings.SEARCH_FUSION}, SEARCH_LEXICAL_BUDGET={settings.SEARCH_LEXICAL_BUDGET}, "
          f"SEARCH_LEXICAL_TIMEOUT_MS={settings.SEARCH_LEXICAL_TIMEOUT_MS}")
    print(f"server: {_django.server_settings()}")
    for n in args.sizes:
        print(f"\n## N = {n:,} chunks")
        fill(n, bases, sentences, noise=args.noise)
        cases = {"unfiltered (L3, sees all)": users[3], "filtered (L1, sees 1/3)": users[1]}
        if warmup and parts & {"lexical", "service", "api"}:
            # Steady state: a running server has its index pages, Kiwi and the model warm after some traffic.
            for q in warmup:
                search_chunks(user=users[3], query=q, top_k=10)
            print(f"warm-up: {len(warmup)} other KorQuAD questions searched first (buffer cache, Kiwi, model)")
        exact = {}
        for name, user in (cases.items() if "dense" in parts else ()):
            # The exact scans take seconds each at 1M: kept per loaded corpus (newest chunk id) and user.
            from documents.models import DocumentChunk

            newest = DocumentChunk.objects.order_by("-id").values_list("id", flat=True).first()
            cached = korquad.CACHE / f"exact-{args.database}-{n}-{newest}-{user.access_level}-{len(questions)}.json"
            if cached.exists():
                exact[name] = [[tuple(row) for row in rows] for rows in json.loads(cached.read_text())]
                print(f"exact scan ({name}): reused {cached.name}")
                continue
            exact[name], exact_ms = timed(lambda i: exact_top10(user, query_vectors[i].tolist(), lexicals[i], filters),
                                          range(len(questions)))
            cached.write_text(json.dumps(exact[name]))
            print(f"exact scan ({name}): p50 {_django.percentile(exact_ms, 50):.1f} ms")
        print("\n| case | ef_search | dense recall@10 | epsilon-0.01 recall@10 | dense leg p50 | p95 | p99 (ms, limit "
              f"{settings.SEARCH_CANDIDATES}) |\n|---|---|---|---|---|---|---|")
        for name, user in (cases.items() if "dense" in parts else ()):
            for ef in args.ef:
                for i in range(5):  # warm-up
                    postgres.dense_leg(user, query_vectors[i].tolist(), lexicals[i], filters,
                                       limit=settings.SEARCH_CANDIDATES, ef_search=ef)
                legs, ms = timed(lambda i: postgres.dense_leg(user, query_vectors[i].tolist(), lexicals[i], filters,
                                                              limit=settings.SEARCH_CANDIDATES, ef_search=ef),
                                 range(len(questions)))
                pairs = [(leg[:10], truth) for leg, truth in zip(legs, exact[name]) if truth]
                recall = np.mean([len({c for c, _ in leg} & {c for c, _ in truth}) / len(truth) for leg, truth in pairs])
                # ANN-benchmarks' epsilon recall: a neighbour counts when its distance is within 1 % of the exact
                # k-th one (near-ties among a million e5-like vectors make the id-exact figure partly a lottery).
                epsilon = np.mean([sum(1 for _c, sim in leg if 1 - sim <= (1 - truth[-1][1]) * 1.01 + 1e-9) / len(truth)
                                   for leg, truth in pairs])
                print(f"| {name} | {ef} | {recall:.3f} | {epsilon:.3f} | {fmt(ms)} |")
        print(f"\n| case | lexical leg ({settings.SEARCH_LEXICAL_RANKING}) p50 | p95 | p99 (ms) |\n|---|---|---|---|")
        for name, user in (cases.items() if "lexical" in parts else ()):
            timeouts = []

            def lexical_leg(i):
                try:
                    return postgres.lexical_leg(user, lexicals[i], filters, limit=settings.SEARCH_CANDIDATES)
                except postgres.LexicalTimeout:  # the service answers dense-only then; counted at its time
                    timeouts.append(i)
            legs, ms = timed(lexical_leg, range(len(questions)))
            agreement = ""
            if args.lexical_exact:  # the budgeted leg's top 10 against exact BM25 over every match (no timeout)
                saved = settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS
                settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS = 0, 0
                exact_legs = [lexical_leg(i) for i in range(min(args.lexical_exact, len(questions)))]
                settings.SEARCH_LEXICAL_BUDGET, settings.SEARCH_LEXICAL_TIMEOUT_MS = saved
                pairs = [({c for c, _ in leg[:10]}, {c for c, _ in ex[:10]}) for leg, ex in zip(legs, exact_legs)
                         if leg is not None and ex]
                agreement = (f" top-10 overlap with exact BM25 ({len(pairs)} queries): "
                             f"{np.mean([len(a & b) / len(b) for a, b in pairs]):.3f} |")
            print(f"| {name} | {fmt(ms)} | timeouts ({settings.SEARCH_LEXICAL_TIMEOUT_MS} ms): {len(timeouts)} |{agreement}")
        if "log" in parts:
            log_write_ab(users[3])
        from documents.embeddings import get_provider

        provider = get_provider()
        _, embed_ms = timed(provider.embed_query, questions if "embed" in parts else questions[:5])
        print(f"\nquery embedding alone (e5-small, CPU): p50 {_django.percentile(embed_ms, 50):.1f} ms, "
              f"p95 {_django.percentile(embed_ms, 95):.1f} ms")
        print("\n| path | case | query vector | p50 | p95 | p99 (ms) |\n|---|---|---|---|---|---|")
        for vector_case in ("embedded per query", "ready (embedding server / cache)"):
            def prepare():
                _query_vector.cache_clear()  # every timed query pays its embedding, as a first-time query would
                if vector_case.startswith("ready"):
                    for q in questions:
                        _query_vector(*query_vector_key(), q)
            for name, user in (cases.items() if "service" in parts else ()):
                prepare()
                _, ms = timed(lambda q: search_chunks(user=user, query=q, top_k=10), questions)
                print(f"| service search_chunks | {name} | {vector_case} | {fmt(ms)} |")
            for name, user in (cases.items() if "api" in parts else ()):
                client = APIClient()
                client.force_authenticate(user)
                prepare()

                def call(q):
                    response = client.post("/api/search/", {"query": q, "top_k": 10}, format="json")
                    assert response.status_code == 200, response.content
                _, ms = timed(call, questions)
                print(f"| API POST /api/search/ (test client) | {name} | {vector_case} | {fmt(ms)} |")


if __name__ == "__main__":
    main()
