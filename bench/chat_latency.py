#!/usr/bin/env python
"""Chat answer latency (p50/p95) with the extractive provider over N indexed passages.

    python bench/chat_latency.py                      # 100,000 passages, 40 timed questions
    python bench/chat_latency.py --passages 20000 --questions 20

Runs on the embedded PostgreSQL server of this worktree, in its own database (`--database`, default
`chat_bench`; never the dev database), created and migrated on first use and reused afterwards: the
passages are topped up to --passages. Passages are generated fast: 48 real Korean passages are
embedded once with e5 and each generated chunk gets one of those vectors plus small noise (re-normalised),
its text with a document number, and a tsvector written directly with positions. Documents get a mix
of access levels and departments so the access rule in the SQL has work to do.

Each timed question goes through chat.answering.answer (condense -> crm -> retrieve -> generate ->
citation check -> store), exactly what POST /api/chat/sessions/{id}/messages/ does, in a new session;
follow-ups run in the session of their first question. Never part of the test suite.
"""

import argparse
import hashlib
import io
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_PASSAGES = [
    "리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴 계열 약물입니다.",
    "리피토의 통상 시작 용량은 1일 1회 10mg이며 최대 용량은 1일 80mg입니다.",
    "리피토 복용 중 근육통이나 근력 약화가 나타나면 즉시 의사와 상담해야 합니다.",
    "노바스크(암로디핀)는 고혈압과 협심증에 쓰는 칼슘채널차단제입니다.",
    "노바스크의 통상 용량은 1일 1회 5mg이며 최대 10mg까지 증량할 수 있습니다.",
    "노바스크 복용 시 발목 부종과 안면 홍조가 흔하게 보고됩니다.",
    "메트포르민은 제2형 당뇨병의 1차 치료제로 혈당을 낮춥니다.",
    "메트포르민은 신기능이 크게 떨어진 환자에게 투여하지 않습니다.",
    "자누비아(시타글립틴)는 DPP-4 억제제로 식후 혈당 조절에 도움을 줍니다.",
    "자누비아의 권장 용량은 1일 1회 100mg입니다.",
    "타그리소(오시머티닙)는 EGFR 변이 비소세포폐암 치료제입니다.",
    "타그리소의 권장 용량은 1일 1회 80mg이며 음식과 관계없이 복용합니다.",
    "키트루다(펨브롤리주맙)는 PD-1 면역관문억제제입니다.",
    "키트루다는 3주마다 200mg을 정맥 주사합니다.",
    "플라빅스(클로피도그렐)는 항혈소판제로 심근경색 후 재발 예방에 쓰입니다.",
    "플라빅스는 출혈 위험이 있어 수술 5일 전에 중단을 검토합니다.",
    "넥시움(에스오메프라졸)은 역류성 식도염 치료에 쓰는 양성자펌프억제제입니다.",
    "넥시움은 식사 1시간 전에 복용하는 것이 권장됩니다.",
    "세레타이드는 천식과 만성폐쇄성폐질환 유지 치료에 쓰는 흡입제입니다.",
    "흡입제 사용 후에는 구강 칸디다증 예방을 위해 입을 헹굽니다.",
    "영업사원은 방문 후 24시간 이내에 활동 내역을 CRM에 기록해야 합니다.",
    "의료기관 방문 시 공정경쟁규약에 따라 식음료 제공 한도를 지켜야 합니다.",
    "제품설명회 비용은 1인당 10만원을 넘을 수 없습니다.",
    "학술대회 부스 운영 결과는 행사 종료 후 7일 이내에 보고합니다.",
    "약제위원회(DC) 통과 일정은 병원마다 분기 또는 반기로 다릅니다.",
    "상급종합병원 신규 코드 등재에는 보통 3개월에서 6개월이 걸립니다.",
    "도매상 반품은 유효기간 6개월 이상 남은 제품만 받습니다.",
    "보험 급여 기준이 바뀌면 영업지원팀이 변경 안내문을 배포합니다.",
    "스타틴과 에제티미브 병용은 LDL 콜레스테롤을 추가로 낮춥니다.",
    "고혈압 환자의 목표 혈압은 일반적으로 140/90mmHg 미만입니다.",
    "당뇨병 환자에게는 130/80mmHg 미만의 혈압 조절이 권고됩니다.",
    "이상지질혈증 치료 목표는 심혈관 위험도에 따라 다르게 정합니다.",
    "임부에게 스타틴 투여는 금기입니다.",
    "소아에 대한 노바스크의 안전성은 6세 미만에서 확립되지 않았습니다.",
    "고령자는 저용량으로 시작해 반응을 보며 증량합니다.",
    "간기능 이상 환자에서 리피토 투여 시 간수치를 정기적으로 확인합니다.",
    "자몽주스는 일부 스타틴의 혈중 농도를 높일 수 있습니다.",
    "와파린 복용 환자에게 항혈소판제를 병용하면 출혈 위험이 커집니다.",
    "출장비 정산은 매월 말일까지 증빙과 함께 제출합니다.",
    "법인카드는 업무 목적 외 사용이 금지됩니다.",
    "신규 입사자 제품 교육은 입사 후 2주 동안 진행됩니다.",
    "분기 영업 목표는 부서별로 전년 실적과 시장 성장률을 반영해 정합니다.",
    "거래처 등급은 최근 1년 매출과 처방 잠재력으로 A, B, C로 나눕니다.",
    "샘플 제품은 의료인에게만 제공하며 수량을 기록해야 합니다.",
    "부작용 보고는 인지 후 15일 이내에 약물감시팀으로 전달합니다.",
    "제품 클레임은 로트 번호와 함께 품질보증팀에 접수합니다.",
    "온라인 디테일링 자료는 메디컬팀 승인 후에만 사용할 수 있습니다.",
    "경쟁 제품 비교 자료는 근거 문헌을 반드시 함께 제시해야 합니다.",
]
QUESTIONS = [
    "리피토 시작 용량은 얼마인가요?", "노바스크 부작용은?", "메트포르민 금기 환자는?", "자누비아 권장 용량",
    "타그리소는 어떤 약인가요?", "키트루다 투여 주기", "플라빅스 수술 전 중단", "넥시움 복용 시점",
    "흡입제 사용 후 주의사항", "방문 후 CRM 기록 기한", "제품설명회 비용 한도", "학술대회 부스 결과 보고",
    "약제위원회 일정", "신규 코드 등재 기간", "도매상 반품 조건", "보험 급여 기준 변경 안내",
    "스타틴 에제티미브 병용", "고혈압 목표 혈압", "임부 스타틴 투여", "자몽주스 스타틴 상호작용",
    "출장비 정산 기한", "샘플 제품 제공 규칙", "부작용 보고 기한", "경쟁 제품 비교 자료 규칙",
    "회사 주차장 위치 알려줘", "오늘 점심 메뉴 추천", "거래처 등급 기준", "와파린 항혈소판제 병용",
    "고령자 용량 조절", "온라인 디테일링 자료 승인",
]
FOLLOW_UPS = [("리피토는 어떤 약인가요?", "그 약 용량은?"), ("노바스크는 어떤 약인가요?", "부작용은?"),
              ("타그리소는 어떤 약인가요?", "그 약 용량은?"), ("넥시움은 어떤 약인가요?", "복용 시점은?")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000, help="indexed passages to have (default 100,000)")
    parser.add_argument("--questions", type=int, default=40, help="timed questions (default 40)")
    parser.add_argument("--per-document", type=int, default=50, help="passages per document (default 50)")
    parser.add_argument("--database", default="chat_bench", help="scratch database (default chat_bench)")
    return parser.parse_args()


def setup_django(database: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["EMBEDDED_PG_DATABASE"] = database
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DB_POOL_SIZE", "0")
    os.environ["LLM_PROVIDER"] = "extractive"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        mem = "RAM unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return f"nproc {os.cpu_count()}, {mem}, {cpu}, load avg {os.getloadavg()[0]:.1f}, commit {commit}"


def tsvector_literal(terms: list[str]) -> str:
    positions: dict[str, list[int]] = {}
    for position, term in enumerate(terms, start=1):
        positions.setdefault(term, []).append(min(position, 16383))
    quoted = []
    for term, where in positions.items():
        escaped = term.replace("\\", "\\\\").replace("'", "''")
        quoted.append(f"'{escaped}':{','.join(map(str, where))}")
    return " ".join(quoted)


def copy_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def top_up(target: int, per_document: int) -> tuple[int, float]:
    """Insert documents and passages until there are `target` passages; returns (inserted, seconds)."""
    import numpy as np
    from django.db import connection, transaction

    from accounts.models import Department
    from core.text import lexical_terms
    from documents.embeddings import get_provider
    from documents.models import Document, DocumentChunk

    have = DocumentChunk.objects.count()
    if have >= target:
        return 0, 0.0
    started = time.perf_counter()
    base_vectors = np.array(get_provider().embed_passages(BASE_PASSAGES), dtype=np.float32)
    base_terms = [lexical_terms(text) for text in BASE_PASSAGES]
    departments = [Department.objects.get_or_create(code=code, defaults={"name": code})[0]
                   for code in ("CARDIO", "ONCO", "PRIMARY")]
    rng = np.random.default_rng(have)
    documents_needed = -(-(target - have) // per_document)
    offset = Document.objects.count()
    inserted = 0
    for batch_start in range(0, documents_needed, 200):
        documents = []
        for i in range(batch_start, min(documents_needed, batch_start + 200)):
            number = offset + i
            doc_id = uuid.uuid4()
            documents.append(Document(
                id=doc_id, title=f"벤치 문서 {number}", document_type="TXT", source=f"bench-{number}.txt",
                file=f"documents/{doc_id}/bench-{number}.txt", checksum=hashlib.sha256(doc_id.bytes).hexdigest(),
                size=1000, mime_type="text/plain", access_level=[1, 1, 2, 3][number % 4],
                department=None if number % 3 else departments[number % 9 // 3],
                approval_state="approved" if number % 10 else "draft", status="ready",
                metadata={"bench": "chat_latency"},
            ))
        Document.objects.bulk_create(documents)
        buffer = io.StringIO()
        for document in documents:
            for ordinal in range(per_document):
                if have + inserted >= target:
                    break
                base = int(rng.integers(len(BASE_PASSAGES)))
                vector = base_vectors[base] + rng.normal(0, 0.02, base_vectors.shape[1]).astype(np.float32)
                vector /= np.linalg.norm(vector)
                text = f"{BASE_PASSAGES[base]} ({document.title} {ordinal + 1}쪽)"
                terms = base_terms[base] + ["벤치", "문서", document.title.rsplit(" ", 1)[1], str(ordinal + 1), "쪽"]
                embedding = "[" + ",".join(f"{x:.6f}" for x in vector) + "]"
                buffer.write("\t".join([str(document.id), str(ordinal), copy_escape(text), str(ordinal + 1), "", "0",
                                        str(len(text)), str(len(terms)), embedding,
                                        copy_escape(tsvector_literal(terms))]) + "\n")
                inserted += 1
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(
                "COPY documents_documentchunk (document_id, ordinal, text, page, section, char_start, char_end, "
                "token_count, embedding, search_vector) FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
        print(f"  {have + inserted:,} passages ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document; ANALYZE documents_documentchunk;")
    return inserted, time.perf_counter() - started


def main():
    args = parse_args()
    setup_django(args.database)
    from accounts.models import Department
    from accounts.tests.factories import UserFactory
    from chat import answering
    from chat.services import session_create
    from core.models import TraceLog
    from documents.models import DocumentChunk

    print(f"chat latency bench: {' '.join(sys.argv)}")
    print(f"machine: {machine()}")
    inserted, seconds = top_up(args.passages, args.per_document)
    if inserted:
        print(f"inserted {inserted:,} passages in {seconds:.0f} s ({inserted / seconds:,.0f}/s)")
    total = DocumentChunk.objects.count()
    department = Department.objects.get(code="CARDIO")
    user = UserFactory(access_level=1, department=department, email=f"bench-{uuid.uuid4().hex[:8]}@example.kr")
    visible = DocumentChunk.objects.visible_to(user).count()
    print(f"data: {total:,} passages in the database, {visible:,} visible to the L1 CARDIO bench user")

    # Warm-up: load Kiwi and e5 and the database caches (not timed).
    for question in QUESTIONS[:3]:
        answering.answer(session=session_create(owner=user), user=user, question=question)

    timings, request_ids, no_answer = [], [], 0
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.questions)]
    for question in questions:
        started = time.perf_counter()
        _q, answer = answering.answer(session=session_create(owner=user), user=user, question=question)
        timings.append((time.perf_counter() - started) * 1000)
        request_ids.append(answer.request_id)
        no_answer += not answer.sources
    follow_timings = []
    for first, follow in FOLLOW_UPS:
        session = session_create(owner=user)
        answering.answer(session=session, user=user, question=first)
        started = time.perf_counter()
        _q, answer = answering.answer(session=session, user=user, question=follow)
        follow_timings.append((time.perf_counter() - started) * 1000)
        request_ids.append(answer.request_id)

    def pct(values, q):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    print(f"questions: {len(timings)} timed, single-turn, new session each ({no_answer} answered 'nothing found')")
    print(f"answer latency ms: p50 {pct(timings, 50):.0f}  p95 {pct(timings, 95):.0f}  "
          f"mean {statistics.mean(timings):.0f}  max {max(timings):.0f}")
    print(f"follow-ups ({len(follow_timings)}): p50 {pct(follow_timings, 50):.0f} ms  max {max(follow_timings):.0f} ms")
    print("per step (median ms over timed questions, from TraceLog):")
    for step in ("condense", "crm", "retrieve", "generate", "check_citations", "store"):
        values = list(TraceLog.objects.filter(request_id__in=request_ids, step=step)
                      .values_list("duration_ms", flat=True))
        if values:
            print(f"  {step:16s} p50 {pct(values, 50):6.0f}  p95 {pct(values, 95):6.0f}")


if __name__ == "__main__":
    main()
