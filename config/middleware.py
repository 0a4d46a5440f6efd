"""Request guards for the API and security headers for every page."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from config.parsers import text_problem


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
