import os

from django.core.wsgi import get_wsgi_application

from config.db import load_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DB_APPLICATION_NAME", "pharma wsgi")

application = load_application(get_wsgi_application)

# Every web server (gunicorn workers, runserver) imports this module: the product's model thread count per process,
# and the models loaded before the first request rather than during it.
from django.conf import settings  # noqa: E402

from documents.embeddings import serve_web, warm_up  # noqa: E402

serve_web()
if settings.EMBEDDING_PRELOAD:
    # Under gunicorn's preload (config/gunicorn.py) this runs once in the master: Kiwi is loaded there and shared by
    # the forked workers; the model's OpenMP runtime is not fork-safe, so each worker loads the model after the fork.
    warm_up(model=os.environ.get("GUNICORN_PRELOADING") != "1")
