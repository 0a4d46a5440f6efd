from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ApprovedTokenAuthentication(TokenAuthentication):
    """DRF token auth that also refuses tokens of users who were later rejected or deactivated."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not user.is_approved:
            raise exceptions.AuthenticationFailed(_("계정이 승인되지 않았습니다."))
        return user, token
