"""Who may read the API schema and docs: everyone, or (API_DOCS_REQUIRE_LOGIN) logged-in users only."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class ApiDocsAccess(BasePermission):
    message = _("API 문서는 로그인한 사용자만 볼 수 있습니다. 관리자 화면(/admin/)에서 로그인하거나 토큰을 보내 주세요.")

    def has_permission(self, request, view):
        return not settings.API_DOCS_REQUIRE_LOGIN or bool(request.user and request.user.is_authenticated)
