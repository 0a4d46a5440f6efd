from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    LogoutAllResponseSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from accounts.models import AuthToken


class SharedScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counted in the cache every process shares (not per gunicorn worker)."""

    @property
    def cache(self):
        return services.login_cache()


class RegisterView(APIView):
    """Sign up. The account starts pending at L1 until an administrator approves it.

    New and already registered emails get the same answer, so sign-up does not reveal who has an account.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisterResponseSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.user_register(email=data["email"], password=data["password"], name=data["name"],
                               department_code=data.get("department") or None)
        return Response({"email": data["email"].lower(), "detail": services.REGISTRATION_RECEIVED},
                        status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Email + password to a token for this device (send it as `Authorization: Token <key>`).

    Each login creates a new token that expires after AUTH_TOKEN_TTL_HOURS; logging out revokes only it.
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key, device_key = services.token_login(
            email=data["email"], password=data["password"], address=_client_address(request),
            device_key=data.get("device_key", ""), device_name=data.get("device_name", ""))
        return Response({"token": key, "device_name": token.device_name, "expires_at": token.expires_at,
                         "device_key": device_key})


def _client_address(request) -> str:
    # Behind a proxy (production) the first X-Forwarded-For hop is the client; set LOGIN_TRUST_X_FORWARDED_FOR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.LOGIN_TRUST_X_FORWARDED_FOR and forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class LogoutView(APIView):
    """Revoke the token this request came with (this device only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.token_logout(token=request.auth if isinstance(request.auth, AuthToken) else None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the caller (all devices)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: LogoutAllResponseSerializer})
    def post(self, request):
        revoked = services.token_logout_all(user=request.user)
        return Response({"revoked": revoked, "detail": _("모든 기기에서 로그아웃했습니다.")})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)
