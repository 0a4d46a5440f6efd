"""One place that turns errors into API responses: a Korean `detail` and a stable `code`, whatever went wrong.

Body of every API error: {"detail": "...", "code": "..."} plus, for field errors, the fields with their
messages (DRF's shape: {"field": ["message"]}). Django-level 404/500 for /api/ paths answer the same JSON
(see handler404 etc. in config/urls.py).
"""

import logging
import sys

from django.apps import apps
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE_MESSAGE = gettext_lazy("데이터베이스에 잠시 연결할 수 없습니다(점검 중이거나 요청이 몰렸습니다). "
                        "%(seconds)d초 뒤에 다시 시도해 주세요.")


def database_unavailable_response(exc: BaseException) -> JsonResponse:
    logger.warning("database unavailable: %s", " ".join(str(exc).split()) or type(exc).__name__)
    response = JsonResponse(
        {"detail": str(UNAVAILABLE_MESSAGE) % {"seconds": RETRY_AFTER_SECONDS}, "code": "database_unavailable"},
        status=503, json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response




class DomainError(Exception):
    """A business rule refused the request. Subclasses set status_code and code."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message, *, extra=None):
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}


def _standard_message(exc) -> str | None:
    """Korean text for DRF's stock exceptions (their default English/loosely translated details)."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("로그인이 필요합니다. Authorization: Token <토큰> 헤더를 보내 주세요.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("인증 정보가 올바르지 않거나 만료되었습니다. 다시 로그인해 주세요.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("이 작업을 할 권한이 없습니다.")
    if isinstance(exc, exceptions.NotFound):
        return _("요청한 대상을 찾을 수 없습니다.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("이 주소는 이 HTTP 메서드를 받지 않습니다. API 문서(/api/docs/)에서 허용된 메서드를 확인하세요.")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("요청한 응답 형식(Accept)을 제공할 수 없습니다. application/json을 요청하세요.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("지원하지 않는 Content-Type입니다. application/json(파일은 multipart/form-data)으로 보내 주세요.")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait:
            return _("요청이 너무 많습니다. %(wait)d초 후에 다시 시도해 주세요.") % {"wait": max(1, round(exc.wait))}
        return _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
    if isinstance(exc, exceptions.ParseError):
        return _("요청 본문을 해석할 수 없습니다. 올바른 JSON 또는 form 데이터를 보내 주세요.")
    return None


def _constraint_message(constraint_name: str | None) -> str:
    """The violated constraint's own message when it has one, otherwise a Korean sentence naming it."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == constraint_name:
                message = constraint.violation_error_message
                if message and message != constraint.default_violation_error_message:
                    return str(message)
                return _("%(model)s: 데이터 규칙 '%(name)s'에 맞지 않는 값입니다. 입력값을 확인해 주세요.") % {
                    "model": model._meta.verbose_name, "name": constraint_name}
    if constraint_name:
        return _("데이터 규칙 '%(name)s'에 맞지 않는 값입니다. 입력값을 확인해 주세요.") % {"name": constraint_name}
    return _("저장할 수 없는 값입니다. 길이, 형식, 범위를 확인해 주세요.")


def _database_refusal(exc) -> Response:
    """A constraint or data error the validation missed: the database refused the write, nothing was stored."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    logger.warning("database refused a write: %s", exc)
    set_rollback()
    code = "constraint_violation" if isinstance(exc, IntegrityError) or constraint else "invalid_data"
    return Response({"detail": _constraint_message(constraint), "code": code}, status=status.HTTP_400_BAD_REQUEST)


def _django_exception(exc):
    """Django exceptions DRF does not handle itself, as the DRF exception that says the same thing."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        error = exceptions.APIException(_("요청 본문이 너무 큽니다. 크기를 줄여 다시 보내 주세요."), "request_too_large")
        error.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return error
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ValidationError(_("필드가 너무 많습니다. 필요한 필드만 보내 주세요."), "too_many_fields")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ValidationError(_("잘못된 요청입니다."), "bad_request")
    return exc


def api_exception_handler(exc, context):
    if isinstance(exc, IntegrityError | DataError):
        return _database_refusal(exc)
    exc = _django_exception(exc)
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"detail": str(exc.message), "code": exc.code, **exc.extra}, status=exc.status_code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, list):  # ValidationError("message") arrives as ["message"]
        data = {"detail": " ".join(str(item) for item in data)}
    if isinstance(exc, Http404 | DjangoPermissionDenied):  # Django's messages are English and name the model
        exc = exceptions.NotFound() if isinstance(exc, Http404) else exceptions.PermissionDenied()
        data["detail"] = exc.default_detail
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if "detail" in data and (str(data["detail"]) == str(exc.default_detail) or isinstance(exc, exceptions.Throttled)):
            data["detail"] = _standard_message(exc) or data["detail"]
        if isinstance(codes, list) and codes and isinstance(codes[0], str):
            codes = codes[0]
        if isinstance(codes, str):
            data.setdefault("code", codes)
        else:
            data.setdefault("code", "invalid")
            data.setdefault("detail", _("입력값을 확인해 주세요. 필드별 오류를 참고하세요."))
    response.data = data
    return response


# --- Django-level error views: JSON for /api/ paths, Django's pages elsewhere -----------------------------------

def _json_error(request, detail, code, status_code):
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return _json_error(request, _("잘못된 요청입니다."), "bad_request", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json_error(request, _("이 작업을 할 권한이 없습니다."), "permission_denied", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json_error(request, _("요청한 주소를 찾을 수 없습니다. API 문서(/api/docs/)에서 주소를 확인하세요."),
                           "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500. A database error raised outside a view (in a middleware) is the JSON 503 of an outage."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable_response(exc)
    if _is_api(request):
        return _json_error(request, _("서버 오류가 발생했습니다. 잠시 후 다시 시도하고, 계속되면 관리자에게 알려 주세요."),
                           "server_error", 500)
    return defaults.server_error(request)
