"""Dense leg recall@10 and latency per hnsw setting, variants interleaved per query (issue 14, session 9).

    python bench/dense_recall.py [--size 100000] [--queries 100] [--variants ef200,ef400,ef800]
        [--limit 100] [--cases filtered,unfiltered]

A variant is `ef<N>` (hnsw.ef_search = N through the leg's own `ef_search` argument) optionally followed by
`+<setting>=<value>` pgvector settings set for the session around the call (e.g. `ef200+hnsw.max_scan_tuples=40000`,
`ef400+hnsw.scan_mem_multiplier=2`). Each variant calls `postgres.dense_leg` as search does (access SQL, iterative
scan relaxed_order, `--limit` candidates, default SEARCH_CANDIDATES) and is scored on its first 10 against an
exact scan (bench/search_latency.py's, cached); queries with a code are left out, as in bench/peer_compare.py.
The order of the variants rotates per query, so each goes first equally often. Corpus: bench/search_latency.py's
synthetic one (reused when loaded). "filtered" = an L1 user (sees a third), "unfiltered" = L3.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402
import peer_compare  # noqa: E402
import search_latency  # noqa: E402


def parse(variant):
    head, *sets = variant.split("+")
    assert head.startswith("ef"), variant
    return int(head[2:]), [tuple(s.split("=", 1)) for s in sets]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--variants", default="ef200,ef400,ef800")
    parser.add_argument("--limit", type=int, default=0, help="candidates asked of the leg (0 = SEARCH_CANDIDATES)")
    parser.add_argument("--cases", default="filtered,unfiltered")
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--database", default="bench_search_latency")
    args = parser.parse_args()
    _django.setup(args.database)
    from django.conf import settings
    from django.db import connection

    from search.backends import postgres
    from search.criteria import SearchFilters
    from search.lexical import analyse

    paragraphs, _titles, questions, _relevant = korquad.load()
    bases = korquad.passage_embeddings(paragraphs)
    vectors = korquad.query_embeddings(questions)[:args.queries]
    questions = questions[:args.queries]
    sentences = search_latency.corpus_sentences(paragraphs)
    limit = args.limit or settings.SEARCH_CANDIDATES
    print(f"command: python bench/dense_recall.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}")
    print(f"server: {_django.server_settings()}; limit {limit}")
    search_latency.fill(args.size, bases, sentences, noise=args.noise)
    import service_ab

    users = service_ab.bench_users()
    lexicals = [analyse(q, synonyms=lambda _q: []) for q in questions]
    variants = args.variants.split(",")
    p = _django.percentile
    print("\n| case | variant | recall@10 | p50 / p95 (ms) | median ratio to first | p95 ratio to first |"
          "\n|---|---|---|---|---|---|")
    for case in args.cases.split(","):
        user = users[1] if case == "filtered" else users[3]
        truths = peer_compare.exact(case, user, vectors, lexicals, args.database, args.size)

        def run(variant, i):
            ef, sets = parse(variant)
            with connection.cursor() as cursor:
                for name, value in sets:
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
            try:
                return [c for c, _s in postgres.dense_leg(user, vectors[i].tolist(), lexicals[i], SearchFilters(),
                                                          limit=limit, ef_search=ef)]
            finally:
                with connection.cursor() as cursor:
                    for name, _value in sets:
                        cursor.execute(f"RESET {name}")

        for i in range(5):
            for v in variants:
                run(v, i)  # warm-up
        results, times = {v: [] for v in variants}, {v: [] for v in variants}
        for i in range(len(questions)):
            shift = i % len(variants)
            for v in variants[shift:] + variants[:shift]:
                t0 = time.perf_counter()
                results[v].append(run(v, i))
                times[v].append((time.perf_counter() - t0) * 1000)
        first = variants[0]
        for v in variants:
            recall = peer_compare.recall(results[v], truths, lexicals)
            ratio = float(np.median(np.asarray(times[v]) / np.asarray(times[first])))
            print(f"| {case} | {v} | {recall:.3f} | {p(times[v], 50):.1f} / {p(times[v], 95):.1f} | {ratio:.2f} | "
                  f"{p(times[v], 95) / p(times[first], 95):.2f} |", flush=True)
        print(f"(load avg {os.getloadavg()[0]:.1f} after {case})", flush=True)


if __name__ == "__main__":
    main()
