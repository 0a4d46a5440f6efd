from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PharmaAdminSite(admin.AdminSite):
    site_header = _("제약 영업 지식 플랫폼 관리")
    site_title = _("지식 플랫폼 관리")
    index_title = _("운영 대시보드")

    def index(self, request, extra_context=None):
        from accounts.selectors import pending_user_count

        extra_context = {**(extra_context or {}), "pending_user_count": pending_user_count()}
        return super().index(request, extra_context)
