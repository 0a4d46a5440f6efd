from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PharmaAdminSite(admin.AdminSite):
    site_header = _("제약 영업 지식 플랫폼 관리")
    site_title = _("지식 플랫폼 관리")
    index_title = _("운영 대시보드")

    def index(self, request, extra_context=None):
        # The accounts and documents apps sit above config: imported here, when the admin is already loaded.
        from accounts.selectors import pending_user_count
        from core.capabilities import can_approve_documents
        from documents.models import ApprovalState, Document

        pending_documents = None
        if can_approve_documents(request.user):
            pending_documents = Document.objects.visible_to(request.user).filter(
                approval_state=ApprovalState.PENDING).count()
        extra_context = {**(extra_context or {}), "pending_user_count": pending_user_count(),
                         "pending_document_count": pending_documents}
        return super().index(request, extra_context)
