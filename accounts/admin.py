from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _, ngettext

from accounts import services
from accounts.models import ApprovalStatus, AuthToken, Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-created_at"]
    list_display = ["email", "name", "department", "access_level", "approval_status", "is_staff", "is_active",
                    "created_at"]
    list_filter = ["approval_status", "department", "access_level", "is_staff", "is_active"]
    list_select_related = ["department"]
    search_fields = ["email", "name"]
    autocomplete_fields = ["department"]
    readonly_fields = ["approved_by", "approved_at", "created_at", "updated_at", "last_login"]
    actions = ["approve_users", "reject_users"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("프로필"), {"fields": ("name", "department")}),
        (_("접근 권한"), {"fields": ("access_level", "approval_status", "approved_by", "approved_at")}),
        (_("관리 권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("기록"), {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "department", "access_level",
                                                 "password1", "password2")}),
    )

    @admin.action(description=_("선택한 사용자 승인"), permissions=["change"])
    def approve_users(self, request, queryset):
        users = list(queryset.exclude(approval_status=ApprovalStatus.APPROVED))
        for user in users:
            services.user_approve(user=user, approved_by=request.user)
        self.message_user(request, ngettext("%d명을 승인했습니다.", "%d명을 승인했습니다.", len(users)) % len(users),
                          messages.SUCCESS)

    @admin.action(description=_("선택한 사용자 거절"), permissions=["change"])
    def reject_users(self, request, queryset):
        users = list(queryset.exclude(approval_status=ApprovalStatus.REJECTED))
        for user in users:
            services.user_reject(user=user, rejected_by=request.user)
        self.message_user(request, ngettext("%d명을 거절했습니다.", "%d명을 거절했습니다.", len(users)) % len(users),
                          messages.WARNING)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Issued API tokens (one per device login); deleting one logs that device out."""

    list_display = ["user", "device_name", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name", "device_name"]
    readonly_fields = ["user", "device_name", "created_at", "expires_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
