"""Search under concurrent load, through real HTTP, against the production server and the development server.

    python bench/search_load.py [--servers gunicorn runserver] [--clients 16] [--seconds 60]
        [--database bench_search_latency] [--workers 3] [--threads 1] [--env NAME=VALUE ...]

For each server: start it on a free port (gunicorn -c config/gunicorn.py config.wsgi with the production
settings, as in the Dockerfile; or `manage.py runserver --noreload` with the local settings, as bin/dev does),
time the first search answered after start-up (the clock starts when the process is spawned; the request is
retried until the port accepts), then run --clients threads for --seconds, each posting the next never-repeated
KorQuAD question (all 5,774, in a fixed shuffled order: no query-vector cache hit) to POST /api/search/ as an
L3 user who sees the whole corpus. Prints searches/s, p50/p95/p99, errors, and the first-request figures.

The corpus is whatever the database holds: by default the synthetic 100k corpus bench/search_latency.py builds
(run it first with --sizes 100000). Client and server share the machine (two cores here), so the client's own
CPU is part of the figures. --env passes settings to the server (e.g. EMBEDDING_WEB_THREADS=2 for the A/B).
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
import korquad  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "bench-load@search.local", "bench-load-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def all_questions() -> list[str]:
    data = json.loads(korquad.EVAL_FILE.read_text(encoding="utf-8"))["data"]
    questions = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]]
    random.Random(14).shuffle(questions)
    return questions


def post(url, body, headers, timeout=120):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start(server, port, database, args):
    env = {**os.environ, "EMBEDDED_PG_DATABASE": database, "DB_POOL_SIZE": "0", "DEBUG": "false",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECRET_KEY": "bench-only-not-secret"}
    env.update(dict(item.split("=", 1) for item in args.env))
    if server == "gunicorn":
        env.update(DJANGO_SETTINGS_MODULE="config.settings.production", BIND=f"127.0.0.1:{port}",
                   WEB_CONCURRENCY=str(args.workers), GUNICORN_THREADS=str(args.threads))
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    else:
        env.update(DJANGO_SETTINGS_MODULE="config.settings.local")
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = open(f"/tmp/search_load-{server}-{port}.log", "w")  # a pipe would fill with runserver's request lines
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log.name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", nargs="+", default=["gunicorn", "runserver"])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", default="bench_search_latency")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    _django.setup(args.database)
    from accounts.models import User
    from documents.models import DocumentChunk

    user = User.objects.filter(email=EMAIL).first() or User.objects.create_user(
        email=EMAIL, password=PASSWORD, name="bench load", access_level=3, approval_status="approved")
    user.set_password(PASSWORD)
    user.save()
    corpus = DocumentChunk.objects.count()
    questions = all_questions()
    print(f"command: python bench/search_load.py {' '.join(sys.argv[1:])}")
    print(f"machine: {_django.machine()}; corpus: {corpus:,} chunks in database {args.database}")
    next_question = iter(questions)
    lock = threading.Lock()
    for server in args.servers:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        headers = {"X-Forwarded-Proto": "https"}  # production redirects plain http; a proxy would say https
        spawned = time.perf_counter()
        process, log_name = start(server, port, args.database, args)
        try:
            token = None
            while token is None:
                if process.poll() is not None:
                    raise SystemExit(f"{server} exited: {Path(log_name).read_text()[-2000:]}")
                try:
                    status, body = post(f"{base}/api/auth/token/", {"email": EMAIL, "password": PASSWORD}, headers)
                    token = json.loads(body)["token"] if status == 200 else None
                    if status != 200:
                        raise SystemExit(f"token: {status} {body[:300]!r}")
                except (ConnectionError, urllib.error.URLError):
                    time.sleep(0.05)
            auth = {**headers, "Authorization": f"Token {token}"}
            with lock:
                question = next(next_question)
            t0 = time.perf_counter()
            status, _body = post(f"{base}/api/search/", {"query": question, "top_k": 10}, auth)
            first_ms = (time.perf_counter() - t0) * 1000
            first_after = time.perf_counter() - spawned
            latencies, errors, statuses = [], [], {}
            stop_at = time.perf_counter() + args.seconds

            def client():
                while time.perf_counter() < stop_at:
                    with lock:
                        q = next(next_question)
                    started = time.perf_counter()
                    try:
                        code, _ = post(f"{base}/api/search/", {"query": q, "top_k": 10}, auth)
                    except Exception as exc:  # a refused or dropped connection counts as an error
                        code = type(exc).__name__
                    with lock:
                        statuses[code] = statuses.get(code, 0) + 1
                        if code == 200:
                            latencies.append((time.perf_counter() - started) * 1000)
                        else:
                            errors.append(code)

            load_started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - load_started
            p = _django.percentile
            shape = (f"{args.workers} workers x {args.threads} threads" if server == "gunicorn" else "threaded")
            print(f"\n### {server} ({shape}; env {' '.join(args.env) or '-'})")
            print(f"first search after start-up: answered {first_after:.1f} s after the process was spawned "
                  f"(status {status}, that request {first_ms:.0f} ms)")
            print(f"| clients | seconds | searches | searches/s | p50 | p95 | p99 (ms) | errors |\n|---|---|---|---|---|---|---|---|")
            print(f"| {args.clients} | {elapsed:.0f} | {len(latencies)} | {len(latencies) / elapsed:.2f} | "
                  f"{p(latencies, 50):.0f} | {p(latencies, 95):.0f} | {p(latencies, 99):.0f} | {len(errors)} "
                  f"{dict((k, v) for k, v in statuses.items() if k != 200) or ''} |", flush=True)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
