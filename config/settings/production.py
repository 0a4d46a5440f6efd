"""Production: secrets come from the environment and have no defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import MIDDLEWARE, STORAGES, env

DEBUG = False
# Refuse to start (one line from manage.py and the WSGI app) rather than answer 500 on every path.
SECRET_KEY = env.str("SECRET_KEY", default="").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or empty; set it in the environment "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
API_DOCS_REQUIRE_LOGIN = env.bool("API_DOCS_REQUIRE_LOGIN", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Static files (admin, Swagger UI) served by the app itself after collectstatic.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_after_security], "whitenoise.middleware.WhiteNoiseMiddleware",
              *MIDDLEWARE[_after_security:]]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
