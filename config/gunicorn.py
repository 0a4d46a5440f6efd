"""The production web server: `gunicorn -c config/gunicorn.py config.wsgi` (Dockerfile, docker-compose.yml).

Settings come from the environment so one image fits every machine: BIND (or 0.0.0.0:PORT, PORT 8000),
WEB_CONCURRENCY (worker processes, 3), GUNICORN_THREADS (threads per worker, 1 = sync workers),
GUNICORN_TIMEOUT (120 s). Measured choices: docs/notes/issue-14.md.
"""

import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
accesslog = "-"

# The app (Django and Kiwi, whose model takes 5-15 s to load on two busy cores) is loaded once in the master and
# shared by the forked workers; loaded in each worker instead, the first request waited 72 s (issue 14 notes).
preload_app = True
os.environ["GUNICORN_PRELOADING"] = "1"  # tells config.wsgi to leave the embedding model to the workers


def post_fork(server, worker):
    # OpenMP's thread pool does not survive a fork: each worker loads the e5 model itself, with
    # EMBEDDING_WEB_THREADS threads, before it takes its first request. Database connections are opened per request.
    from django.conf import settings

    from documents.embeddings import warm_up

    if settings.EMBEDDING_PRELOAD:
        warm_up(text=False)


def worker_exit(server, worker):
    # Kiwi was loaded in the master: its native thread handle is invalid in a forked worker, and destroying it at
    # interpreter exit aborts the worker (SIGABRT in the log). The worker has finished its requests by now.
    os._exit(0)
