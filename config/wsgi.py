import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from config.db import DatabaseConfigError, DatabaseUnavailable, ensure_database_reachable  # noqa: E402

try:
    application = get_wsgi_application()
    ensure_database_reachable()
except (DatabaseConfigError, DatabaseUnavailable, ImproperlyConfigured) as exc:
    # Fail fast with one line instead of serving 500s: the process manager shows why it stopped.
    sys.stderr.write(f"error: {exc}\n")
    raise SystemExit(1) from None
