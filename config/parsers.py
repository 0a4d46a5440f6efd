"""Request parsers that refuse, with a Korean 400/413, what PostgreSQL cannot store or Python cannot parse safely.

Every API body goes through one of these (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]), so no view, serializer or
service sees a NUL character, a lone UTF-16 surrogate or a JSON document nested deeper than API_MAX_JSON_DEPTH.
"""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class UnstorableText(ParseError):
    default_code = "unstorable_text"


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("NUL 문자(\\u0000)가 들어 있습니다. 빼고 다시 보내 주세요.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("짝이 없는 UTF-16 서로게이트(예: \\ud800)가 들어 있습니다. 올바른 글자로 바꿔 보내 주세요.")
    return None


def reject_unstorable(data, *, max_depth: int | None = None, root: str = "") -> None:
    """Walk parsed data (without recursion) and raise a 400 naming the first unstorable string or too-deep value."""
    max_depth = settings.API_MAX_JSON_DEPTH if max_depth is None else max_depth
    pending = [(root, data, 1)]
    while pending:
        path, value, depth = pending.pop()
        if depth > max_depth:
            raise ParseError(_("JSON이 너무 깊게 중첩되어 있습니다(최대 %(depth)d단계).") % {"depth": max_depth})
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise UnstorableText(_("'%(field)s' 값에 %(problem)s") % {"field": path or _("본문"), "problem": problem})
        elif isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (problem := text_problem(key)):
                    raise UnstorableText(_("필드 이름 '%(field)s'에 %(problem)s")
                                         % {"field": key_path.encode("utf-8", "replace").decode(), "problem": problem})
                pending.append((key_path, item, depth + 1))
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))


def _refuse_oversized(parser_context, limit: int) -> None:
    request = (parser_context or {}).get("request")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        length = 0
    if length > limit:
        raise RequestTooLarge(_("요청 본문이 너무 큽니다(%(size)d바이트). %(limit)d바이트 이하로 보내 주세요.")
                              % {"size": length, "limit": limit})


def _reject_constant(name):
    raise ValueError(_("%(name)s 값은 JSON에서 쓸 수 없습니다.") % {"name": name})


class JSONParser(parsers.JSONParser):
    """Strict JSON (no NaN/Infinity), at most API_MAX_JSON_BYTES and API_MAX_JSON_DEPTH, storable text only."""

    def parse(self, stream, media_type=None, parser_context=None):
        _refuse_oversized(parser_context, settings.API_MAX_JSON_BYTES)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=_reject_constant)
        except RecursionError:
            raise ParseError(_("JSON이 너무 깊게 중첩되어 있습니다(최대 %(depth)d단계).")
                             % {"depth": settings.API_MAX_JSON_DEPTH}) from None
        except ValueError as exc:
            raise ParseError(_("요청 본문이 올바른 JSON이 아닙니다: %(reason)s") % {"reason": exc}) from None
        reject_unstorable(data)
        return data


def _reject_unstorable_form(data, files=None) -> None:
    for key, values in data.lists():
        reject_unstorable({key: ""})
        for value in values:
            reject_unstorable(value, root=key)
    for key, uploaded in (files.items() if files is not None else ()):
        reject_unstorable(uploaded.name or "", root=f"{key} 파일 이름")


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _reject_unstorable_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            result = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise ParseError(_("multipart/form-data 본문을 해석할 수 없습니다: %(reason)s") % {"reason": exc.detail}) from None
        _reject_unstorable_form(result.data, result.files)
        return result
