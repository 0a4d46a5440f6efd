"""Cost of document ranking at query time: retrieve() with SEARCH_RANK_DOCUMENTS on and off, interleaved A/B.

    python bench/document_ranking_latency.py [--set pages] [--questions 200]

Runs on a set already ingested by `retrieval_eval.py --via-api --set NAME` (its scratch database), as the
bench L1 user, query embeddings from the cache; prints p50/p95 of retrieve() per arm and the ratio.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import embedding_cache  # noqa: E402
import long_documents  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="pages")
    parser.add_argument("--articles", type=int, default=140)
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    _django.setup(f"bench_api_{args.set}")
    from django.conf import settings

    from accounts.models import User
    from search.services import retrieve

    embedding_cache.install()
    questions = long_documents.load_set(args.set, args.articles).questions[:args.questions]
    rep = User.objects.get(email="bench-rep@search.local")
    timings = {True: [], False: []}
    for question in questions:
        retrieve(user=rep, query=question)  # warm: query vector cached, pages in the buffer cache
        for arm in (True, False) if len(timings[True]) % 2 == 0 else (False, True):
            settings.SEARCH_RANK_DOCUMENTS = arm
            started = time.perf_counter()
            retrieve(user=rep, query=question)
            timings[arm].append((time.perf_counter() - started) * 1000)
    print(f"command: python bench/document_ranking_latency.py --set {args.set} --articles {args.articles} "
          f"--questions {len(questions)}")
    print(f"machine: {_django.machine()}")
    for arm, values in timings.items():
        print(f"SEARCH_RANK_DOCUMENTS={arm}: p50 {_django.percentile(values, 50):.1f} ms, "
              f"p95 {_django.percentile(values, 95):.1f} ms")
    print(f"ratio on/off of p50: {_django.percentile(timings[True], 50) / _django.percentile(timings[False], 50):.2f}")


if __name__ == "__main__":
    main()
