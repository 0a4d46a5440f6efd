"""Fault injection on the ingest path: does anything get lost, stuck or duplicated, with nobody stepping in?

Never part of the test suite. Runs on its own embedded PostgreSQL (--data-dir, default a temp directory, so
the dev and test databases are not disturbed), a moto S3 server and the real `manage.py db_worker` process,
kept alive by a supervisor loop that does what `bin/dev` and compose's `restart:` do (start it again when it
exits). Each scenario uploads --docs documents through the API and injects one fault:

  worker_kill9          kill -9 of the worker while it processes
  pg_restart            PostgreSQL stopped and started again mid-ingest (3 s down)
  pg_outage             PostgreSQL down for --outage-seconds mid-ingest
  s3_down_upload        S3 down while uploading (503s); the client uploads the refused files again afterwards
  s3_down_processing    S3 down for 20 s right after the uploads, while the worker processes them
  s3_down_delete        S3 down while documents are deleted (204s); the delete jobs retry

and reports documents lost (accepted but never ready), stuck (still queued/processing at --timeout),
duplicated (two documents for one upload, repeated chunk ordinals, or chunks that differ from a clean re-run)
and the seconds from the end of the fault until everything was done. Then it measures the connections each
process holds: pooled runserver idle, under 12 concurrent requests, and after DB_POOL_MAX_IDLE idle periods.

Embeddings come from a double of an OpenAI-compatible embedding server (deterministic vectors from a hash of
the text, announced in the output): the model is not what this measures, and e5 on 2 shared cores would
make each scenario take many minutes.

    python bench/fault_injection.py                       # 10 documents per scenario, 30 s outage
    python bench/fault_injection.py --docs 20 --outage-seconds 30 --scenarios pg_outage worker_kill9
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "fault_injection"
BUCKET = "fault-documents"
DIMENSIONS = 384


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- doubles and helpers ----------------------------------------------------------------------------

class EmbeddingDouble(BaseHTTPRequestHandler):
    """POST /v1/embeddings: a unit vector per input from the SHA-256 of its text (same text, same vector)."""

    def do_POST(self):
        import numpy

        texts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["input"]
        data = []
        for index, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
            vector = numpy.random.default_rng(seed).standard_normal(DIMENSIONS)
            data.append({"index": index, "embedding": (vector / numpy.linalg.norm(vector)).round(6).tolist()})
        body = json.dumps({"data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class S3:
    """moto's S3 server; stop() takes it down, start() brings it back on the same port with its objects."""

    def __init__(self):
        self.port, self.server = free_port(), None

    def start(self):
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self):
        self.server.stop()
        self.server = None


class Supervisor:
    """Keeps one `manage.py db_worker` running: started again 2 s after it exits, like bin/dev and compose."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process, self.restarts, self.stopping = env, log, None, 0, False
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self.thread.start()
        while self.process is None:
            time.sleep(0.1)

    def _loop(self):
        with self.log.open("a") as log:
            while not self.stopping:
                self.process = subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5",
                     "--no-startup-delay", "--queue-name", "*"], cwd=ROOT, env=self.env, stdout=log,
                    stderr=subprocess.STDOUT)
                self.process.wait()
                if not self.stopping:
                    self.restarts += 1
                    time.sleep(2)

    def kill9(self):
        os.kill(self.process.pid, signal.SIGKILL)

    def stop(self):
        self.stopping = True
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def retrying(function, *, attempts: int = 600):
    """Call `function`, riding out the outages this script causes in its own connection (0.5 s apart)."""
    from django.db import InterfaceError, OperationalError, connections

    for _ in range(attempts):
        try:
            return function()
        except (OperationalError, InterfaceError):
            connections.close_all()
            time.sleep(0.5)
    return function()


# --- the run ----------------------------------------------------------------------------------------

class Run:
    def __init__(self, args, env, s3, supervisor, data_dir):
        from django.contrib.auth import get_user_model
        from rest_framework.test import APIClient

        self.args, self.env, self.s3, self.supervisor, self.data_dir = args, env, s3, supervisor, data_dir
        user, _ = get_user_model().objects.get_or_create(
            email="fault@bench.local", defaults={"name": "fault bench", "is_superuser": True, "is_staff": True,
                                                 "access_level": 3, "approval_status": "approved"})
        self.client = APIClient()
        self.client.force_authenticate(user)
        self.counter = int(time.time())

    # uploads ------------------------------------------------------------------------------------------
    def content(self, tag: str, number: int) -> tuple[str, bytes]:
        from bench.ingest_bench import paragraph
        import random

        rng = random.Random(f"{tag}-{number}")
        text = "\n\n".join(paragraph(rng, 450) + f" ({tag} 문서 {number}, 단락 {i})" for i in range(8))
        return f"{tag}-{number:03d}-{self.counter}.txt", text.encode()

    def upload(self, name: str, content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post("/api/documents/", {"file": SimpleUploadedFile(name, content), "access_level": 1},
                                format="multipart")

    def upload_batch(self, tag: str) -> tuple[list[str], list[str], int]:
        """(accepted ids, names of refused uploads, number refused)."""
        accepted, refused = [], []
        for number in range(self.args.docs):
            name, content = self.content(tag, number)
            response = retrying(lambda: self.upload(name, content))
            if response.status_code == 201:
                accepted.append(response.json()["id"])
            else:
                refused.append((name, content, response.status_code))
        return accepted, refused

    # waiting ------------------------------------------------------------------------------------------
    def statuses(self, ids) -> dict:
        from documents.models import Document

        return retrying(lambda: {str(pk): status for pk, status in
                                 Document.objects.filter(pk__in=ids).values_list("pk", "status")})

    def wait_done(self, ids, *, since: float) -> float | None:
        """Seconds from `since` until every document is ready or failed; None at --timeout."""
        deadline = time.monotonic() + self.args.timeout
        while time.monotonic() < deadline:
            states = self.statuses(ids)
            if len(states) == len(ids) and all(s in ("ready", "failed") for s in states.values()):
                return time.monotonic() - since
            time.sleep(0.5)
        return None

    def wait_processing(self, ids):
        """Until the worker is busy with one of them (the fault then hits mid-ingest)."""
        while True:
            states = self.statuses(ids).values()
            if any(s == "processing" for s in states) or all(s in ("ready", "failed") for s in states):
                return
            time.sleep(0.1)

    # faults -------------------------------------------------------------------------------------------
    def postgres_down(self):
        from django.db import connections

        from config.db import stop_embedded_server

        connections.close_all()
        stop_embedded_server(self.data_dir)

    def postgres_up(self):
        """Start the server from a fresh process, as an operator or the system would."""
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from config.db import "
                        "start_embedded_server; start_embedded_server(Path(sys.argv[1]), database=sys.argv[2])",
                        str(self.data_dir), DATABASE], cwd=ROOT, check=True)

    # scenarios ----------------------------------------------------------------------------------------
    def worker_kill9(self):
        ids, _ = self.upload_batch("kill9")
        self.wait_processing(ids)
        self.supervisor.kill9()
        return ids, self.wait_done(ids, since=time.monotonic()), ""

    def pg_restart(self):
        ids, _ = self.upload_batch("pgrestart")
        self.wait_processing(ids)
        self.postgres_down()
        time.sleep(3)
        self.postgres_up()
        return ids, self.wait_done(ids, since=time.monotonic()), "3 s down"

    def pg_outage(self):
        ids, _ = self.upload_batch("pgoutage")
        self.wait_processing(ids)
        self.postgres_down()
        time.sleep(self.args.outage_seconds)
        self.postgres_up()
        return ids, self.wait_done(ids, since=time.monotonic()), f"{self.args.outage_seconds} s down"

    def s3_down_upload(self):
        self.s3.stop()
        ids, refused = self.upload_batch("s3upload")
        self.s3.start()
        since = time.monotonic()
        codes = sorted({code for _, _, code in refused})
        for name, content, _ in refused:  # the user uploads the refused files again
            response = retrying(lambda: self.upload(name, content))
            if response.status_code == 201:
                ids.append(response.json()["id"])
        return ids, self.wait_done(ids, since=since), f"{len(refused)} uploads refused with {codes}, sent again"

    def s3_down_processing(self):
        ids, _ = self.upload_batch("s3processing")
        self.s3.stop()
        time.sleep(20)
        self.s3.start()
        return ids, self.wait_done(ids, since=time.monotonic()), "20 s down"

    def s3_down_delete(self):
        import boto3

        ids, _ = self.upload_batch("s3delete")
        self.wait_done(ids, since=time.monotonic())
        bucket = boto3.resource("s3", endpoint_url=f"http://127.0.0.1:{self.s3.port}", aws_access_key_id="bench",
                                aws_secret_access_key="bench", region_name="us-east-1").Bucket(BUCKET)
        prefixes = [f"documents/{pk}/" for pk in ids]

        def left():
            return sum(1 for o in bucket.objects.all() if any(o.key.startswith(p) for p in prefixes))

        before = left()
        self.s3.stop()
        answers = [retrying(lambda pk=pk: self.client.delete(f"/api/documents/{pk}/")).status_code for pk in ids]
        time.sleep(10)
        self.s3.start()
        since, deadline = time.monotonic(), time.monotonic() + self.args.timeout
        while left() and time.monotonic() < deadline:
            time.sleep(1)
        remaining = left()
        recovered = None if remaining else time.monotonic() - since
        return [], recovered, (f"{before} objects, delete answered {sorted(set(answers))} while down; "
                               f"{remaining} objects left at the end (lost = objects never deleted)"), remaining

    # verdicts -----------------------------------------------------------------------------------------
    def verdict(self, name, ids, recovered, note, lost_override=None) -> dict:
        from django.db.models import Count

        from documents.models import Document, DocumentChunk

        states = self.statuses(ids)
        lost = sum(1 for pk in ids if states.get(pk) in (None, "failed")) if lost_override is None else lost_override
        stuck = sum(1 for s in states.values() if s in ("queued", "processing"))
        sources = Document.objects.filter(pk__in=ids).values("source").annotate(n=Count("id")).filter(n__gt=1)
        repeated = (DocumentChunk.objects.filter(document_id__in=ids).values("document_id", "ordinal")
                    .annotate(n=Count("id")).filter(n__gt=1).values("document_id").distinct().count())
        return {"scenario": name, "documents": len(ids), "lost": lost, "stuck": stuck,
                "duplicated": sources.count() + repeated + self.differ_from_clean_rerun(ids),
                "recover_s": None if recovered is None else round(recovered, 1), "note": note}

    def differ_from_clean_rerun(self, ids) -> int:
        """Process every ready document again in this process and count those whose chunks change."""
        from documents.models import Document, DocumentChunk
        from documents.pipeline import run_pipeline

        differing = 0
        for pk in Document.objects.filter(pk__in=ids, status="ready").values_list("pk", flat=True):
            before = list(DocumentChunk.objects.filter(document_id=pk).order_by("ordinal").values_list("ordinal", "text"))
            run_pipeline(pk)
            after = list(DocumentChunk.objects.filter(document_id=pk).order_by("ordinal").values_list("ordinal", "text"))
            differing += before != after
        return differing

    def run_scenario(self, name) -> dict:
        outcome = getattr(self, name)()
        ids, recovered, note, *lost = outcome
        return self.verdict(name, ids, recovered, note, lost[0] if lost else None)


# --- connections per process ------------------------------------------------------------------------

def connections_by_process(database: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1", [database])
        return dict(cursor.fetchall())


def measure_connections(env: dict, log: Path) -> list[tuple[str, dict]]:
    import requests

    port = free_port()
    server_env = {**env, "DB_POOL_MAX_IDLE": "2", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=server_env, stdout=log.open("a"), stderr=subprocess.STDOUT)
    base, rows = f"http://127.0.0.1:{port}", []
    try:
        for _ in range(240):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        requests.get(f"{base}/readyz", timeout=30)
        time.sleep(1)
        rows.append(("runserver and worker idle, after one request", connections_by_process(DATABASE)))
        with ThreadPoolExecutor(12) as pool:
            list(pool.map(lambda _: requests.get(f"{base}/readyz", timeout=30), range(48)))
        rows.append(("right after 48 requests, 12 at a time", connections_by_process(DATABASE)))
        time.sleep(30)
        rows.append(("30 s later (DB_POOL_MAX_IDLE=2 for this run)", connections_by_process(DATABASE)))
    finally:
        server.terminate()
        server.wait(20)
    return rows


def main():
    from bench._django import machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10, help="documents per scenario")
    parser.add_argument("--outage-seconds", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=300, help="longest wait for recovery per scenario (s)")
    parser.add_argument("--scenarios", nargs="*", default=["worker_kill9", "pg_restart", "pg_outage", "s3_down_upload",
                                                          "s3_down_processing", "s3_down_delete"])
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "pharma-fault-injection-pg"))
    parser.add_argument("--keep", action="store_true", help="keep the data directory afterwards")
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    log = Path(tempfile.gettempdir()) / "pharma-fault-injection.log"
    log.write_text("")

    s3 = S3()
    s3.start()
    embedder = ThreadingHTTPServer(("127.0.0.1", 0), EmbeddingDouble)
    threading.Thread(target=embedder.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "DATABASE_URL", "DB_", "AWS_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false", "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "EMBEDDED_PG_DIR": str(data_dir), "EMBEDDED_PG_DATABASE": DATABASE,
        "EMBEDDING_PROVIDER": "openai", "EMBEDDING_BASE_URL": f"http://127.0.0.1:{embedder.server_port}/v1",
        "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3.port}",
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_CONNECT_TIMEOUT": "1", "WORKER_ID": "fault-bench-worker", "WORKER_MAX_BACKOFF_SECONDS": "5",
        "WORKER_SILENT_MINUTES": "1", "SCHEDULER_TICK_SECONDS": "5", "PYTHONUNBUFFERED": "1",
    })
    os.environ.update(env)
    os.environ["DB_POOL"] = "false"
    import logging

    import django

    django.setup()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
    from django.core.management import call_command

    import boto3

    call_command("migrate", verbosity=0)
    boto3.client("s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"], aws_access_key_id="bench",
                 aws_secret_access_key="bench", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    supervisor = Supervisor(env, log)
    supervisor.start()
    started = time.monotonic()
    run = Run(args, env, s3, supervisor, data_dir)
    results = []
    try:
        for name in args.scenarios:
            results.append(run.run_scenario(name))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        connection_rows = measure_connections(env, log)
    finally:
        supervisor.stop()
        s3.stop()
        from config.db import stop_embedded_server

        from django.db import connections

        connections.close_all()
        stop_embedded_server(data_dir)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(f"\n$ python bench/fault_injection.py {' '.join(sys.argv[1:])}")
    print(f"machine: {machine()}; {args.docs} documents per scenario (TXT, ~3,600 characters, 8 paragraphs); "
          f"embeddings: hash-vector double of an OpenAI-compatible server (not e5); worker restarted by the bench's "
          f"supervisor {supervisor.restarts} time(s), as bin/dev/compose do; total {time.monotonic() - started:.0f} s; "
          f"worker log {log}")
    print("| scenario | documents | lost | stuck | duplicated | recovered in (s) | note |")
    print("|---|---|---|---|---|---|---|")
    for row in results:
        print(f"| {row['scenario']} | {row['documents']} | {row['lost']} | {row['stuck']} | {row['duplicated']} | "
              f"{row['recover_s'] if row['recover_s'] is not None else 'not within --timeout'} | {row['note']} |")
    print("\nconnections per process (pg_stat_activity by application_name):")
    for label, counts in connection_rows:
        print(f"- {label}: {counts}")


if __name__ == "__main__":
    main()
