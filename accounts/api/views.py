from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    RegisterSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)


class RegisterView(APIView):
    """Sign up. The account starts pending at L1 until an administrator approves it."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.user_register(email=data["email"], password=data["password"], name=data["name"],
                                      department_code=data.get("department") or None)
        body = UserSerializer(user).data
        body["detail"] = _("가입 요청이 접수되었습니다. 관리자 승인 후 로그인할 수 있습니다.")
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Email + password to an API token (send it as `Authorization: Token <key>`)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.token_login(email=serializer.validated_data["email"],
                                     password=serializer.validated_data["password"],
                                     client_ip=request.META.get("REMOTE_ADDR", ""), request=request)
        return Response({"token": token.key})


class LogoutView(APIView):
    """Revoke the caller's token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.token_logout(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)
