"""A database that is down or has no free pooled connection answers 503 in JSON, quickly, never an HTML 500.

The pool waits at most DB_POOL_TIMEOUT seconds for a connection (and a new connection at most
connect_timeout), so a client learns within seconds that it should come back, and when (Retry-After).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.views.defaults import server_error as django_server_error
from django.utils.translation import gettext_lazy as _

from config import health

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE_MESSAGE = _("데이터베이스에 잠시 연결할 수 없습니다(점검 중이거나 요청이 몰렸습니다). "
                        "%(seconds)d초 뒤에 다시 시도해 주세요.")


def database_unavailable_response(exc: BaseException) -> JsonResponse:
    logger.warning("database unavailable: %s", " ".join(str(exc).split()) or type(exc).__name__)
    response = JsonResponse(
        {"detail": str(UNAVAILABLE_MESSAGE) % {"seconds": RETRY_AFTER_SECONDS}, "code": "database_unavailable"},
        status=503, json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class HealthProbeMiddleware:
    """/healthz and /readyz answer before host validation (ALLOWED_HOSTS): container healthchecks and load
    balancers call them by IP or as localhost, and must not get 400 because only the real domain is allowed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        return probe(request) if probe else self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into a JSON 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, DATABASE_ERRORS):
            return database_unavailable_response(exc)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the same JSON 503 for database errors raised outside a view (another middleware)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable_response(exc)
    return django_server_error(request, *args, **kwargs)
