"""The lexical leg, variant against variant, interleaved per query, on the corpus of bench/search_latency.py.

    python bench/lexical_ab.py --size 100000 [--queries 100] [--variants base,new] [--explain 5]

Loads (or reuses) the scratch corpus of search_latency.py (same database, same generator), then for each
KorQuAD question runs every variant of the lexical leg and the dense leg in an order that rotates per query, for
an unfiltered (L3) and a filtered (L1, sees 1/3) user. Prints p50/p95 per variant, the median of per-query
ratios against `base`, p95 ratios, lexical p95 / dense p95, timeouts and top-10 agreement with exact BM25
(budget 0, no timeout, by each variant's own code). --explain N: EXPLAIN (ANALYZE, BUFFERS) of every statement
`_bm25` issues for the N slowest questions of the first variant's runs (unfiltered, or filtered with --explain-level 1).

Variants: `base` is the lexical leg as it was before session 7 (its `_score` and `lexicon_statistics` are kept
below; rounds filter on the whole expression & the essential words); `narrow` only filters rounds on the essential
words (and codes); `narrow+df` adds the statistics of words with a space; `chunks` is today's code over the chunk
table (as the leg read it before session 8); `new` is search/backends/postgres.py as it is now (session 8: over
search_lexical_passage); `old` is the whole search/backends/postgres.py of --old (main before session 8), loaded
from git. `name@B` runs variant `name` with SEARCH_LEXICAL_BUDGET B; `name!` runs it under the --set settings.

Variants that read the same pages (new and new!, new and new@B, chunks and old) warm them for each other: the one
that runs later for a question finds them cached, and the rotation runs the first-named before the second for most
questions (2 of 3 rotations with two variants and dense). Compare such variants in separate runs, each against the
dense leg (session 8 took effective_io_concurrency 0 for a 0.67x win this way before finding it was this).
"""

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402


def old_module(name: str, commit: str, path: str) -> types.ModuleType:
    """`path` as of `commit` (read with `git show`), loaded as a separate module."""
    source = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent), "show", f"{commit}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def base_score(subset, units, idfs, avgdl, *, limit):
    """`search.backends.postgres._score` before session 7: a MATERIALIZED CTE, one `@@` per unit per row."""
    from django.db import connection

    from search.backends.postgres import BM25_B, BM25_K1

    m_sql, m_params = subset.order_by().values("id", "search_vector").query.sql_with_params()
    terms = " + ".join("%s::float8 * (m.search_vector @@ to_tsquery('simple', %s))::int" for _ in units)
    norm = (f"({BM25_K1 + 1}::float8 / (1 + {BM25_K1}::float8 * (1 - {BM25_B}::float8 + {BM25_B}::float8 * "
            "length(m.search_vector) / %s::float8)))")
    params = []
    for idf, unit in zip(idfs, units):
        params += [idf, unit]
    params += [max(avgdl, 1.0)]
    sql = (f"WITH m AS MATERIALIZED ({m_sql}) SELECT m.id, ({terms}) * {norm} AS score FROM m "
           f"ORDER BY score DESC, m.id LIMIT %s")
    params = [*m_params, *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(chunk_id, float(score)) for chunk_id, score in cursor.fetchall()]


def _old_statistics():
    """`lexicon_statistics` before session 7: a word with a space was looked up whole (0 passages)."""
    from django.db.models import Sum

    from search.models import LexiconPartitionTerm

    def lexicon_statistics(phrases, *, partitions):
        words = sorted({word for phrase in phrases for word in phrase})
        found = dict(
            LexiconPartitionTerm.objects.filter(term__in=words, partition__in=partitions.values("id"))
            .values("term").annotate(total=Sum("passages")).values_list("term", "total")
        )
        totals = partitions.aggregate(passages=Sum("passages"), lexemes=Sum("lexemes"))
        passages = max(int(totals["passages"] or 0), 0)
        mean_length = (totals["lexemes"] or 0) / passages if passages else 1.0
        return passages, mean_length, [min(max(int(found.get(word, 0)), 0) for word in phrase) for phrase in phrases]
    return lexicon_statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--database", default="bench_search_latency")
    parser.add_argument("--variants", default="base,new")
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("--explain-level", type=int, choices=(1, 3), default=3,
                        help="the user whose slowest questions --explain prints: 3 unfiltered (default), 1 filtered")
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument("--set", default="", help="NAME=VALUE[,NAME=VALUE]: server settings (SET before, RESET "
                        "after) for the variants whose name ends with '!' (new! is new under them)")
    parser.add_argument("--old", default="856b5f5",
                        help="commit whose search/backends/postgres.py the variant `old` runs whole (default: main "
                             "before session 8)")
    args = parser.parse_args()
    _django.setup(args.database)
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from search.backends import postgres
    from search.criteria import SearchFilters
    from search.lexical import analyse

    import search_latency

    paragraphs, _titles, questions, _relevant = korquad.load()
    bases = korquad.passage_embeddings(paragraphs)
    vectors = korquad.query_embeddings(questions)
    search_latency.fill(args.size, bases, search_latency.corpus_sentences(paragraphs), noise=args.noise)
    questions, vectors = questions[:args.queries], vectors[:args.queries]
    lexicals = [analyse(q, synonyms=lambda _q: []) for q in questions]
    users = {level: User.objects.get(email=f"bench-l{level}@search.local") for level in (1, 3)}
    new_score, new_bm25, new_candidates = postgres._score, postgres._bm25, postgres.lexical_candidates

    def base_bm25(*args, candidates=None, **kwargs):  # before session 7: rounds filter on expression & essential
        return new_bm25(*args, **kwargs)

    # name -> (_bm25, _score)
    base_statistics, new_statistics = _old_statistics(), postgres.lexicon_statistics

    def with_statistics(statistics, bm25):
        def run(*args, **kwargs):
            postgres.lexicon_statistics = statistics
            try:
                return bm25(*args, **kwargs)
            finally:
                postgres.lexicon_statistics = new_statistics
        return run

    # name -> (_bm25, _score, lexical_candidates)
    chunks = postgres.candidate_chunks  # the chunk table, as the leg read it before session 8
    variants = {"base": (with_statistics(base_statistics, base_bm25), base_score, chunks),
                "narrow": (with_statistics(base_statistics, new_bm25), base_score, chunks),
                "narrow+df": (new_bm25, base_score, chunks),
                "chunks": (new_bm25, new_score, chunks),
                "new": (new_bm25, new_score, new_candidates)}
    # name -> a whole lexical_leg from another commit
    old = old_module("postgres_old", args.old, "search/backends/postgres.py")
    legs, timeouts = {"old": old.lexical_leg}, (postgres.LexicalTimeout, old.LexicalTimeout)
    names = args.variants.split(",")
    filters = SearchFilters()
    print(f"command: python bench/lexical_ab.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}")
    print(f"server: {_django.server_settings()}")
    print(f"SEARCH_CANDIDATES={settings.SEARCH_CANDIDATES}, SEARCH_LEXICAL_BUDGET={settings.SEARCH_LEXICAL_BUDGET}, "
          f"SEARCH_LEXICAL_TIMEOUT_MS={settings.SEARCH_LEXICAL_TIMEOUT_MS}")

    settings_for = [item.split("=", 1) for item in args.set.split(",") if item]

    def run(name, user, i, **kwargs):
        if name.endswith("!"):
            with connection.cursor() as cursor:
                for key, value in settings_for:
                    cursor.execute(f"SET {key} = {value}")
            try:
                return run(name[:-1], user, i, **kwargs)
            finally:
                with connection.cursor() as cursor:
                    for key, _value in settings_for:
                        cursor.execute(f"RESET {key}")
        if "@" in name:  # "new@1000": variant `new` with SEARCH_LEXICAL_BUDGET 1000 (unless the caller sets one)
            name, budget = name.split("@")
            kwargs.setdefault("budget", int(budget))
        leg = legs.get(name, postgres.lexical_leg)
        if name not in legs:
            postgres._bm25, postgres._score, postgres.lexical_candidates = variants[name]
        try:
            return [c for c, _s in leg(user, lexicals[i], filters, limit=settings.SEARCH_CANDIDATES, **kwargs)]
        except timeouts:
            return None
        finally:
            postgres._bm25, postgres._score, postgres.lexical_candidates = new_bm25, new_score, new_candidates

    for i in range(10):  # warm-up: buffers
        for name in names:
            run(name, users[3], len(questions) - 1 - i)
    def p(values, q):
        return _django.percentile(list(values), q)
    slow = []
    for case, user in (("unfiltered (L3)", users[3]), ("filtered (L1, 1/3)", users[1])):
        times = {name: [] for name in names + ["dense"]}
        results = {name: [] for name in names}
        for i in range(len(questions)):
            order = names + ["dense"]
            k = i % len(order)
            for name in order[k:] + order[:k]:
                t0 = time.perf_counter()
                if name == "dense":
                    postgres.dense_leg(user, vectors[i].tolist(), lexicals[i], filters,
                                       limit=settings.SEARCH_CANDIDATES)
                else:
                    results[name].append(run(name, user, i))
                times[name].append((time.perf_counter() - t0) * 1000)
        # Exact BM25 (budget 0, no timeout) by each variant's own statistics and scoring.
        exact = {} if args.no_exact else {name: [run(name, user, i, budget=0, timeout_ms=0)
                                                 for i in range(len(questions))] for name in names}
        print(f"\n### {case}, {len(questions)} questions, load avg {__import__('os').getloadavg()[0]:.1f} after")
        print("| variant | p50 | p95 | p99 (ms) | median per-query ratio to base | p95 ratio to base | "
              "p95 / dense p95 | timeouts | top-10 agreement with exact BM25 |\n|---|---|---|---|---|---|---|---|---|")
        for name in names + ["dense"]:
            ms = np.asarray(times[name])
            base_ms = np.asarray(times[names[0]])
            agreement, timeouts = "", ""
            if name != "dense":
                timeouts = sum(r is None for r in results[name])
                if exact:  # a timed-out query counts as no overlap
                    overlaps = [len(set(a[:10]) & set(b[:10])) / len(b[:10]) if a is not None else 0.0
                                for a, b in zip(results[name], exact[name]) if b]
                    agreement = f"{np.mean(overlaps):.3f}"
            print(f"| {name} | {p(ms, 50):.1f} | {p(ms, 95):.1f} | {p(ms, 99):.1f} | "
                  f"{float(np.median(ms / base_ms)):.2f} | {p(ms, 95) / p(base_ms, 95):.2f} | "
                  f"{p(ms, 95) / p(times['dense'], 95):.2f} | {timeouts} | {agreement} |", flush=True)
        if user == users[args.explain_level]:
            slow = list(np.argsort(times[names[0]])[::-1][:args.explain])
    if args.explain:
        captured = []

        def capture(execute, sql, params, many, context):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                if "AS score" in sql or "search_lexicon" in sql:
                    captured.append((sql, params, (time.perf_counter() - t0) * 1000))

        for i in slow:
            for name in names:
                postgres._bm25, postgres._score, postgres.lexical_candidates = variants[name]
                captured.clear()
                with connection.execute_wrapper(capture):
                    postgres.lexical_leg(users[args.explain_level], lexicals[i], filters,
                                         limit=settings.SEARCH_CANDIDATES,
                                         timeout_ms=0)
                postgres._bm25, postgres._score, postgres.lexical_candidates = new_bm25, new_score, new_candidates
                print(f"\n#### {name}: question {i}: {questions[i]!r}, units {lexicals[i].terms}; statements (ms): "
                      f"{', '.join(f'{ms:.1f}' for _s, _p, ms in captured)}")
                for sql, params, _ms in captured:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SETTINGS) " + sql, params)
                        print("\n".join(row[0] for row in cursor.fetchall()))
                        print("--")

if __name__ == "__main__":
    main()
