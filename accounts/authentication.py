from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import AuthToken


class ApprovedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` for a live per-device token of an active, approved user."""

    model = AuthToken

    def authenticate_credentials(self, key):
        token = (AuthToken.objects.select_related("user").filter(digest=AuthToken.digest_of(key)).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("토큰이 올바르지 않습니다. 다시 로그인해 주세요."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("토큰이 만료되었습니다. 다시 로그인해 주세요."))
        if not token.user.is_active or not token.user.is_approved:
            raise exceptions.AuthenticationFailed(_("계정이 승인되지 않았습니다."))
        return token.user, token
