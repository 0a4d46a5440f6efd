from accounts.models import ApprovalStatus, User


def pending_user_count() -> int:
    return User.objects.filter(approval_status=ApprovalStatus.PENDING, is_active=True).count()
