from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


def can_manage(user, document) -> bool:
    """Change, delete and reprocess: the uploader and staff. Reading is decided by visible_to()."""
    return bool(user.is_staff or user.is_superuser or (document.uploaded_by_id and document.uploaded_by_id == user.pk))


def can_approve(user) -> bool:
    return bool(user.is_staff or user.is_superuser or user.access_level >= 3)


class CanManageDocument(BasePermission):
    message = _("이 문서를 올린 사람이나 관리자만 수정·삭제·재처리할 수 있습니다.")

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return can_manage(request.user, obj)
