"""The production web server: `gunicorn -c config/gunicorn.py config.wsgi` (Dockerfile, docker-compose.yml).

Settings come from the environment so one image fits every machine: GUNICORN_BIND (0.0.0.0:8000),
WEB_CONCURRENCY (worker processes, 3), GUNICORN_THREADS (threads per worker, 1 = sync workers),
GUNICORN_TIMEOUT (120 s). Measured choices: docs/notes/issue-14.md.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# Each worker imports config.wsgi after the fork and loads the embedding model and Kiwi there (one model thread
# per worker, EMBEDDING_WEB_THREADS): OpenMP's thread pool does not survive a fork, and a worker takes requests
# only once it has loaded them, so no request waits for a model.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
