import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from config.db import DatabaseConfigError, DatabaseUnavailable, ensure_database_reachable  # noqa: E402

try:
    application = get_wsgi_application()
    ensure_database_reachable()
except (DatabaseConfigError, DatabaseUnavailable) as exc:
    # Fail fast with one line instead of serving 500s: the process manager shows why it stopped.
    sys.stderr.write(f"error: {exc}\n")
    raise SystemExit(1) from None

# Every web server (gunicorn workers, runserver) imports this module: one model thread per process, and the models
# loaded before the first request rather than during it.
from django.conf import settings  # noqa: E402

from documents.embeddings import serve_web, warm_up  # noqa: E402

serve_web()
if settings.EMBEDDING_PRELOAD:
    # Under gunicorn's preload (config/gunicorn.py) this runs once in the master: Kiwi is loaded there and shared by
    # the forked workers; the model's OpenMP runtime is not fork-safe, so each worker loads the model after the fork.
    warm_up(model=os.environ.get("GUNICORN_PRELOADING") != "1")
