from django.contrib.auth.backends import ModelBackend


class ApprovedUserBackend(ModelBackend):
    """Email login (case-insensitive) for active users whose account has been approved."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_approved
