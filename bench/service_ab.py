"""The whole search service with the query vector ready: where its time goes, and variants of it A/B (issue 14).

    python bench/service_ab.py [--size 100000] [--queries 100] [--warmup 20] [--parts same,stages,ab]
        [--variants seq,par] [--peer]

Corpus: bench/search_latency.py's synthetic one (reused when loaded). Questions: KorQuAD, their vectors cached
before any timing (`_query_vector`), so every row is "vector ready". Users: L3 ("unfiltered", sees everything),
L1 ("filtered", a third) and a document manager (every level, drafts searchable).

Parts:
- same: `retrieve` with the legs one after the other and side by side, for the L1 user and the manager: the same
  ids, scores (fused, dense, lexical) and order, or the differences are printed.
- stages: one sequential `search_run` per question, each step timed (analysis, the legs, fusion, the document
  ranking's statements, hydration, the composer, the log write); the sum is the call, so shares add up.
- ab: `search_run` per variant, A/B interleaved per question (the order rotates, so each variant goes first
  equally often): p50/p95, median of per-query ratios to the first variant and p95 ratios. `seq` = legs one after
  the other, `par` = side by side (SEARCH_PARALLEL_LEGS). With --peer, langchain-postgres'
  similarity_search_by_vector (top 10, same server, built by bench/peer_compare.py) joins the rotation and every
  variant's p95 is also given against its p95 (the issue's "whole service, vector ready <= 1.5x" goal).
"""

import argparse
import dataclasses
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402
import search_latency  # noqa: E402


def bench_users():
    from django.contrib.auth.models import Permission

    from accounts.models import User

    users = {}
    for level in (1, 3):
        email = f"bench-l{level}@search.local"
        users[level] = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, name=f"bench L{level}", access_level=level, approval_status="approved")
    manager = User.objects.filter(email="bench-manager@search.local").first()
    if manager is None:
        manager = User.objects.create_user(email="bench-manager@search.local", password=None, name="bench manager",
                                           access_level=1, approval_status="approved")
        manager.user_permissions.add(Permission.objects.get(content_type__app_label="documents",
                                                            codename="manage_documents"))
    users["manager"] = User.objects.get(pk=manager.pk)  # fresh: no stale permission cache
    return users


def same(users, questions, configs):
    """Sequential vs parallel legs: identical retrievals, or the differences."""
    from search.services import retrieve

    for name in ("L1", "manager"):
        user = users[1] if name == "L1" else users["manager"]
        differ, compared, hits = [], 0, 0
        for q in questions:
            a = retrieve(user=user, query=q, top_k=10, config=configs["seq"])
            b = retrieve(user=user, query=q, top_k=10, config=configs["par"])
            key = lambda r: ([(h.chunk_id, h.score, h.dense_score, h.lexical_score) for h in r.hits],  # noqa: E731
                             r.dense, r.lexical)
            compared += 1
            hits += len(a.hits)
            if key(a) != key(b):
                differ.append(q)
        print(f"same results ({name}): {compared - len(differ)} of {compared} questions identical "
              f"(ids, fused/dense/lexical scores, order; {hits} hits compared)"
              + (f"; differ: {differ[:5]}" if differ else ""), flush=True)


class Stages:
    """Wraps the steps search_run calls (module attributes) and adds up their time per call."""

    def __init__(self):
        from search import services
        from search.backends import postgres

        self.targets = [(services, "analyse", "analysis (Kiwi)"), (postgres, "lexical_leg", "lexical leg"),
                        (postgres, "dense_leg", "dense leg"),
                        (services, "fuse", "fusion"), (services, "_candidates", "candidates' documents + words"),
                        (services, "order_by_document", "document ranking (statistics)"),
                        (services, "spread_documents", "spread"), (services, "_hydrate", "hydration"),
                        (services, "compose", "composer"), (services, "_log_write", "log write")]
        self.current = defaultdict(float)
        self.saved = []
        self.depth = 0

    def __enter__(self):
        for module, attr, label in self.targets:
            fn = getattr(module, attr)
            self.saved.append((module, attr, fn))
            setattr(module, attr, self.timed(fn, label))
        return self

    def __exit__(self, *exc):
        for module, attr, fn in self.saved:
            setattr(module, attr, fn)

    def timed(self, fn, label):
        def wrapper(*args, **kwargs):
            if self.depth:  # a step called by another (fusion within the document ranking): counted there
                return fn(*args, **kwargs)
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                self.current[label] += (time.perf_counter() - t0) * 1000
        return wrapper


def stages(users, questions, config):
    from search.criteria import SearchRequest
    from search.services import search_run

    p = _django.percentile
    for name, user in (("unfiltered L3", users[3]), ("filtered L1", users[1])):
        per_stage, totals = defaultdict(list), []
        with Stages() as timer:
            for q in questions:
                timer.current.clear()
                t0 = time.perf_counter()
                search_run(user=user, search=SearchRequest(query=q, top_k=10), config=config)
                totals.append((time.perf_counter() - t0) * 1000)
                for label, _ignored in ((t[2], None) for t in timer.targets):
                    per_stage[label].append(timer.current.get(label, 0.0))
        total = sum(totals)
        print(f"\n### stages, sequential search_run, {name} ({len(questions)} questions; call p50 / p95 "
              f"{p(totals, 50):.1f} / {p(totals, 95):.1f} ms)\n\n| step | p50 / p95 (ms) | share of the time |\n|---|---|---|")
        accounted = 0.0
        for label, times in per_stage.items():
            accounted += sum(times)
            print(f"| {label} | {p(times, 50):.2f} / {p(times, 95):.2f} | {100 * sum(times) / total:.1f} % |")
        print(f"| rest (Python between the steps, request objects) | | {100 * (total - accounted) / total:.1f} % |",
              flush=True)


def ab(users, questions, configs, variants, peer):
    from search.criteria import SearchRequest
    from search.services import search_run

    p = _django.percentile
    for name, user, peer_filter in (("unfiltered L3", users[3], None),
                                    ("filtered L1", users[1], {"access_level": {"$eq": 1}})):
        runs = {v: (lambda i, v=v: search_run(user=user, search=SearchRequest(query=questions[i], top_k=10),
                                              config=configs[v])) for v in variants}
        if peer is not None:
            store, vectors = peer
            runs["peer"] = lambda i, pf=peer_filter: store.similarity_search_by_vector(vectors[i].tolist(), k=10,
                                                                                      filter=pf)
        names = list(runs)
        times = {v: [] for v in names}
        for i in range(len(questions)):
            shift = i % len(names)
            for v in names[shift:] + names[:shift]:
                t0 = time.perf_counter()
                runs[v](i)
                times[v].append((time.perf_counter() - t0) * 1000)
        base = names[0]
        print(f"\n### A/B, {name}, {len(questions)} questions, order rotating per question "
              f"(load avg {os.getloadavg()[0]:.1f} after)\n\n| variant | p50 / p95 (ms) | median ratio to {base} | "
              f"p95 ratio to {base} |" + (" p95 / peer dense p95 |" if peer else "") + "\n|---|---|---|---|"
              + ("---|" if peer else ""))
        for v in names:
            ratio = float(np.median(np.asarray(times[v]) / np.asarray(times[base])))
            line = (f"| {v} | {p(times[v], 50):.1f} / {p(times[v], 95):.1f} | {ratio:.2f} | "
                    f"{p(times[v], 95) / p(times[base], 95):.2f} |")
            if peer:
                line += f" {p(times[v], 95) / p(times['peer'], 95):.2f} |"
            print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20, help="other questions searched first")
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--database", default="bench_search_latency")
    parser.add_argument("--parts", default="same,stages,ab")
    parser.add_argument("--variants", default="seq,par")
    parser.add_argument("--peer", action="store_true", help="langchain-postgres' dense search in the rotation")
    args = parser.parse_args()
    _django.setup(args.database)
    from django.conf import settings

    from search.config import RetrievalConfig
    from search.services import _query_vector, query_vector_key, search_chunks

    paragraphs, _titles, questions, _relevant = korquad.load()
    bases = korquad.passage_embeddings(paragraphs)
    all_vectors = korquad.query_embeddings(questions)
    sentences = search_latency.corpus_sentences(paragraphs)
    warmup = questions[len(questions) - args.warmup:] if args.warmup else []
    questions, vectors = questions[:args.queries], all_vectors[:args.queries]
    print(f"command: python bench/service_ab.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}")
    print(f"settings: SEARCH_CANDIDATES={settings.SEARCH_CANDIDATES}, SEARCH_HNSW_EF_SEARCH={settings.SEARCH_HNSW_EF_SEARCH}, "
          f"SEARCH_LEXICAL_BUDGET={settings.SEARCH_LEXICAL_BUDGET}, SEARCH_PARALLEL_LEGS={settings.SEARCH_PARALLEL_LEGS}, "
          f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}, "
          f"pool={'pool' in settings.DATABASES['default']['OPTIONS']}")
    print(f"server: {_django.server_settings()}")
    search_latency.fill(args.size, bases, sentences, noise=args.noise)
    users = bench_users()
    base = RetrievalConfig.from_settings()
    configs = {"seq": dataclasses.replace(base, parallel_legs=False),
               "par": dataclasses.replace(base, parallel_legs=True)}
    for q in [*questions, *warmup]:
        _query_vector(*query_vector_key(), q)  # vector ready for every row
    for q in warmup:
        for user in users.values():
            search_chunks(user=user, query=q, top_k=10)
    print(f"warm-up: {len(warmup)} other questions, every user")
    parts = set(args.parts.split(","))
    peer = None
    if args.peer:
        import peer_compare

        store = peer_compare.peer_store(args.size)
        peer_compare.fill_peer(store, args.size)
        for q, v in zip(warmup, all_vectors[len(all_vectors) - len(warmup):]):
            store.similarity_search_by_vector(v.tolist(), k=10)
        peer = (store, vectors)
    if "same" in parts:
        same(users, questions, configs)
    if "stages" in parts:
        stages(users, questions, configs["seq"])
    if "ab" in parts:
        ab(users, questions, configs, args.variants.split(","), peer)


if __name__ == "__main__":
    main()
