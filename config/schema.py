"""drf-spectacular postprocessing: every operation documents the error answers it can give, with their body."""

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = {
    "type": "object",
    "description": "오류 응답: 한국어 설명(detail)과 고정 코드(code). 입력 오류는 필드별 메시지 목록이 더해집니다.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail", "code"],
    "additionalProperties": True,
}

# Status -> when it happens. Every operation can meet these (config/exceptions.py, config/middleware.py).
ALWAYS = {
    "400": _("잘못된 입력(필드 오류, 저장할 수 없는 글자, 알 수 없는 필터 등)"),
    "401": _("로그인 필요, 또는 토큰이 틀렸거나 만료됨"),
    "403": _("권한 없음(승인되지 않은 계정, 허용되지 않은 작업)"),
    "404": _("없음, 또는 볼 권한이 없음(둘은 같은 답입니다)"),
    "405": _("이 주소가 받지 않는 HTTP 메서드"),
    "406": _("제공할 수 없는 응답 형식(Accept)"),
    "429": _("요청이 너무 많음(잠시 후 다시)"),
}
WITH_BODY = {
    "409": _("기존 데이터와 충돌(예: 같은 파일이 이미 있음)"),
    "413": _("요청 본문이나 파일이 너무 큼"),
    "415": _("지원하지 않는 Content-Type 또는 파일 형식"),
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(ALWAYS)
            if method in {"post", "put", "patch"}:
                errors.update(WITH_BODY)
            for status, description in errors.items():
                operation["responses"].setdefault(status, {"description": str(description), "content": reference})
    return result
