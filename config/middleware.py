"""Request guards and headers.

- Health probes answer before host validation; a database that is down or has no free pooled connection
  answers 503 in JSON, quickly (Retry-After), never an HTML 500. The pool waits at most DB_POOL_TIMEOUT
  seconds for a connection, so a client learns within seconds that it should come back.
- API requests are answered in Korean and refuse text PostgreSQL cannot store; every page gets the CSP.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config import health
from config.exceptions import DATABASE_ERRORS, database_unavailable_response
from config.parsers import text_problem


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


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class ApiRequestMiddleware:
    """API answers are Korean whatever Accept-Language says, and query strings PostgreSQL cannot store are 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_api(request):
            return self.get_response(request)
        translation.activate("ko")
        request.LANGUAGE_CODE = "ko"
        problem = text_problem(request.path_info)
        where = _("주소")
        if problem is None:
            for key, values in request.GET.lists():
                where = key
                problem = text_problem(key) or next(filter(None, map(text_problem, values)), None)
                if problem:
                    break
        if problem:
            where = where.replace("\x00", "\\u0000").encode("utf-8", "replace").decode()
            return JsonResponse({"detail": _("'%(field)s' 값에 %(problem)s") % {"field": where, "problem": problem},
                                 "code": "unstorable_text"}, status=400)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends CONTENT_SECURITY_POLICY (scripts only from this site: the admin and the API docs need nothing else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
