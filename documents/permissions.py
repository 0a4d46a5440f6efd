from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.capabilities import can_manage_document


class CanManageDocument(BasePermission):
    message = _("이 문서를 올린 사람이나 문서 관리자만 수정·삭제·재처리할 수 있습니다.")

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return can_manage_document(request.user, obj)
