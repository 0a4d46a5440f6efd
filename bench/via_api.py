"""`retrieval_eval.py --via-api`: upload through /api/documents/, ask /api/search/, score per document."""

import json
import math
import re
import time
from collections import Counter

import _django
import embedding_cache
import long_documents

PASSWORD = "bench-password-1234!"


def metrics(rankings: list[list[str]], relevant: list[set[str]]) -> tuple[float, float, float, float]:
    """R@5, R@10, MRR@10, nDCG@10 with one relevant document per question (any of `relevant` counts).

    A ranking lists the document of each result in order; a document's rank is the position of its first
    passage, so passages of one document ahead of the relevant one count against it.
    """
    r5 = r10 = mrr = ndcg = 0.0
    for ranking, targets in zip(rankings, relevant, strict=True):
        rank = next((i for i, key in enumerate(ranking[:10], start=1) if key in targets), None)
        if rank:
            r10 += 1
            r5 += rank <= 5
            mrr += 1 / rank
            ndcg += 1 / math.log2(rank + 1)
    n = len(relevant)
    return r5 / n, r10 / n, mrr / n, ndcg / n


def documents_in_order(keys) -> list[str]:
    """Each document once, at the rank of its first passage."""
    return list(dict.fromkeys(keys))


def _users():
    from accounts.models import ApprovalStatus, User

    uploader = User.objects.filter(email="bench-uploader@search.local").first() or User.objects.create_superuser(
        email="bench-uploader@search.local", password=PASSWORD, name="bench uploader")
    rep = User.objects.filter(email="bench-rep@search.local").first()
    if rep is None:
        rep = User.objects.create_user(email="bench-rep@search.local", password=PASSWORD, name="bench rep",
                                       access_level=1, approval_status=ApprovalStatus.APPROVED)
    return uploader, rep


def _token(client, user) -> str:
    response = client.post("/api/auth/token/", {"email": user.email, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _file_bytes(bench_set, document) -> tuple[bytes, str]:
    from documents.filebuilders import pdf_bytes

    if document.content:
        return document.content, document.mime
    if bench_set.name == "korquad":
        return document.pages[0].encode("utf-8"), "text/plain"
    return pdf_bytes(document.pages), "application/pdf"


def ingest(bench_set, client, token, *, reprocess: bool) -> dict:
    """Upload what is missing, process it; returns {document uuid: bench key}."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document, ProcessingStatus
    from documents.pipeline import run_pipeline

    existing = {doc.metadata.get("bench_key"): doc for doc in Document.objects.only("id", "metadata", "status")}
    started, uploaded, processed = time.perf_counter(), 0, 0
    for document in bench_set.documents:
        stored = existing.get(document.key)
        if stored is None:
            data, mime = _file_bytes(bench_set, document)
            response = client.post("/api/documents/", {
                "file": SimpleUploadedFile(document.filename, data, content_type=mime), "title": document.title,
                "access_level": 1, "approval_state": "approved", "metadata": json.dumps({"bench_key": document.key}),
            }, HTTP_AUTHORIZATION=f"Token {token}")
            assert response.status_code == 201, response.content.decode()[:500]
            stored = Document.objects.get(pk=response.json()["id"])
            uploaded += 1
        if reprocess or stored.status != ProcessingStatus.READY:
            status = run_pipeline(stored.pk)
            assert status == ProcessingStatus.READY, (document.key, Document.objects.get(pk=stored.pk).error)
            processed += 1
            if processed % 50 == 0:
                print(f"  processed {processed} documents ({time.perf_counter() - started:.0f} s)", flush=True)
    if uploaded or processed:
        print(f"uploaded {uploaded}, processed {processed} documents in {time.perf_counter() - started:.0f} s")
    return {str(pk): meta["bench_key"] for pk, meta in Document.objects.values_list("id", "metadata")}


def whole_document_bm25(bench_set, key_of_uuid, questions, *, k1=1.2, b=0.75) -> list[list[tuple[str, float]]]:
    """BM25 over each document's whole extracted text (Kiwi morphemes), the 'one page, one unit' reference."""
    from core.text import lexical_terms
    from documents.models import Document

    texts = dict(Document.objects.values_list("id", "content"))
    keys = [key_of_uuid[str(pk)] for pk in texts]
    bags = [Counter(lexical_terms(text)) for text in texts.values()]
    lengths = [sum(bag.values()) for bag in bags]
    average = sum(lengths) / len(lengths)
    frequency = Counter(term for bag in bags for term in bag)
    n = len(bags)
    rankings = []
    for question in questions:
        terms = set(lexical_terms(question))
        scores = []
        for key, bag, length in zip(keys, bags, lengths, strict=True):
            score = 0.0
            for term in terms & bag.keys():
                idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
                tf = bag[term]
                score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
            if score > 0:
                scores.append((score, key))
        rankings.append([(key, score) for score, key in sorted(scores, key=lambda item: (-item[0], item[1]))[:100]])
    return rankings


def run(args):
    database = args.database or f"bench_api_{args.set}"
    _django.setup(database)
    from django.conf import settings
    from django.test import Client

    from documents.models import DocumentChunk
    from search.services import retrieve

    cache = embedding_cache.install()
    bench_set = long_documents.load_set(args.set, args.articles)
    questions, relevant = bench_set.questions, bench_set.relevant
    if args.questions:
        questions, relevant = questions[:args.questions], relevant[:args.questions]
    uploader, rep = _users()
    client = Client()
    key_of_uuid = ingest(bench_set, client, _token(client, uploader), reprocess=args.reprocess)
    key_of_chunk = {cid: key_of_uuid[str(doc)] for cid, doc in DocumentChunk.objects.values_list("id", "document_id")}
    rep_token = _token(client, rep)

    api_rankings, dense_rankings, lexical_rankings, passages_per_result, legs = [], [], [], [], []
    started = time.perf_counter()
    for question in questions:
        response = client.post("/api/search/", {"query": question, "top_k": 10}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {rep_token}")
        assert response.status_code == 200, response.content.decode()[:300]
        results = response.json()["results"]
        api_rankings.append([key_of_uuid[r["document_id"]] for r in results])
        passages_per_result.append(len(results) / max(1, len(set(api_rankings[-1]))))
    api_seconds = time.perf_counter() - started
    for question in questions:
        retrieval = retrieve(user=rep, query=question, top_k=10)
        legs.append((retrieval.dense, retrieval.lexical))
        dense_rankings.append(documents_in_order(key_of_chunk[c] for c, _s in retrieval.dense))
        lexical_rankings.append(documents_in_order(key_of_chunk[c] for c, _s in retrieval.lexical))
    whole_scored = whole_document_bm25(bench_set, key_of_uuid, questions)
    whole = [[key for key, _s in ranking] for ranking in whole_scored]

    chunks = len(key_of_chunk)
    print(f"command: python bench/retrieval_eval.py --via-api --set {args.set} --articles {args.articles} "
          f"--database {database}" + (f" --questions {args.questions}" if args.questions else ""))
    source = "bench/pharma_documents.py" if args.set == "pharma" else f"first {args.articles} KorQuAD dev articles"
    print(f"data: {args.set}, {source}: {len(bench_set.documents)} documents, {chunks} passages "
          f"(CHUNK_TARGET_CHARS {settings.CHUNK_TARGET_CHARS}), {len(questions)} questions; "
          f"machine: {_django.machine()}")
    print(f"API: {len(questions)} searches in {api_seconds:.0f} s; passages per document in the top 10: "
          f"{sum(passages_per_result) / len(passages_per_result):.2f}; new embeddings this run: {cache.misses}")
    print(f"product: SEARCH_FUSION={settings.SEARCH_FUSION} lexical {settings.SEARCH_LEXICAL_WEIGHT} / "
          f"dense {settings.SEARCH_DENSE_WEIGHT}, SEARCH_PASSAGES_PER_DOCUMENT={settings.SEARCH_PASSAGES_PER_DOCUMENT}, "
          f"SEARCH_RANK_DOCUMENTS={settings.SEARCH_RANK_DOCUMENTS}\n")
    rows = [("product: POST /api/search/, top_k 10", api_rankings),
            ("lexical leg alone (best passage per document)", lexical_rankings),
            ("dense leg alone (best passage per document)", dense_rankings),
            ("BM25 over whole documents (Kiwi)", whole)]
    if args.variants:
        rows += variants(legs, key_of_chunk, whole_scored, questions)
    print("| method (scored per document) | R@5 | R@10 | MRR@10 | nDCG@10 | nDCG@10, repeats removed |")
    print("|---|---|---|---|---|---|")
    for name, rankings in rows:
        r5, r10, mrr, ndcg = metrics(rankings, relevant)
        deduplicated = metrics([documents_in_order(r) for r in rankings], relevant)[3]
        print(f"| {name} | {r5:.3f} | {r10:.3f} | {mrr:.3f} | {ndcg:.3f} | {deduplicated:.3f} |")
    if args.misses:
        print_misses(questions, relevant, api_rankings, legs, key_of_chunk)


def print_misses(questions, relevant, api_rankings, legs, key_of_chunk):
    """Each question whose relevant document is not in the API's top 10, with what the lexical query required
    and where each leg placed the relevant document."""
    from search.lexical import analyse

    def rank_in(ranking, targets):
        return next((i for i, key in enumerate(ranking, start=1) if key in targets), None)

    misses = [i for i, (ranking, targets) in enumerate(zip(api_rankings, relevant, strict=True))
              if rank_in(ranking[:10], targets) is None]
    print(f"\nmisses at R@10 (API): {len(misses)}")
    for i in misses:
        dense, lexical = legs[i]
        required = analyse(questions[i], synonyms=lambda q: []).required
        dense_rank = rank_in(documents_in_order(key_of_chunk[c] for c, _s in dense), relevant[i])
        lexical_rank = rank_in(documents_in_order(key_of_chunk[c] for c, _s in lexical), relevant[i])
        print(f"- {questions[i]!r}: relevant {sorted(relevant[i])}; required {list(required)}; "
              f"lexical leg rank {lexical_rank}, dense leg rank {dense_rank}; API top 3 {api_rankings[i][:3]}")


def variants(legs, key_of_chunk, whole_scored, questions):
    """Post-fusion choices over the same legs, in-process (the legs are what the API's search computed)."""
    from documents.models import DocumentChunk
    from search.fusion import FusionConfig, fuse
    from search.lexical import analyse
    from search.models import LexiconPartition
    from search.services import order_by_document, spread_documents

    # Every lexeme of every passage, once (the product asks SQL for the query's words per search instead).
    lexeme = re.compile(r"'((?:[^']|'')+)'")
    terms_of = {chunk_id: set(lexeme.findall(vector)) for chunk_id, vector in
                DocumentChunk.objects.filter(search_vector__isnull=False).values_list("id", "search_vector")}
    analysed = [analyse(question) for question in questions]

    def ranked(config, per_document, by_document=False):
        rankings = []
        for (dense, lexical), query in zip(legs, analysed, strict=True):
            fused = fuse(dense, lexical, config)
            if by_document:
                fused = order_by_document(fused, dense, query, key_of_chunk, terms_of, config,
                                          partitions=LexiconPartition.objects.all())  # statistics of the whole bench corpus
            chosen = spread_documents(fused, key_of_chunk, top_k=10, per_document=per_document)
            rankings.append([key_of_chunk[c] for c, _s in chosen])
        return rankings

    rows = []
    for per_document in (0, 1, 2, 3):
        rows.append((f"convex 0.6/0.4, passages ranked alone, at most {per_document or 'any'} per document",
                     ranked(FusionConfig("convex", 0.6, 0.4), per_document)))
    for per_document in (1, 2):
        rows.append((f"convex 0.6/0.4, documents by query words found in their passages, at most {per_document}",
                     ranked(FusionConfig("convex", 0.6, 0.4), per_document, True)))
    for weight in (0.4, 0.5, 0.7, 0.8):
        rows.append((f"convex {weight:.1f}/{1 - weight:.1f}, documents by query words found, 1 per document",
                     ranked(FusionConfig("convex", weight, 1 - weight), 1, True)))
    rows.append(("RRF k=60, documents by query words found, 1 per document",
                 ranked(FusionConfig("rrf", 1.0, 1.0, 60), 1, True)))
    # The reference: BM25 over whole documents fused (convex 0.6/0.4) with each document's best dense passage.
    fused_whole = []
    for (dense, _lexical), bm25 in zip(legs, whole_scored, strict=True):
        best_dense = {}
        for chunk_id, score in dense:
            best_dense.setdefault(key_of_chunk[chunk_id], score)
        fused_whole.append([key for key, _s in fuse(list(best_dense.items()), bm25, FusionConfig("convex", 0.6, 0.4))][:10])
    rows.append(("reference: whole-document BM25 + best dense passage per document, convex 0.6/0.4", fused_whole))
    return rows
