from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=255)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"},
                                     help_text=_("10자 이상, 흔한 비밀번호나 그 변형(예: Passw0rd!)은 안 됩니다."))
    name = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                       help_text=_("부서 코드 (선택)"))


class RegisterResponseSerializer(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=255)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    device_name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                        help_text=_("기기 이름(예: 김영업 갤럭시탭). 로그아웃은 이 기기의 토큰만 지웁니다."))
    device_key = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                       help_text=_("지난 로그인 응답의 device_key(선택). 보내면 로그인 실패를 이 기기만 따로 "
                                                   "세어, 다른 사람(같은 주소라도)이 이 기기를 잠그지 못합니다."))


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Authorization: Token <token> 헤더로 보냅니다."))
    device_name = serializers.CharField()
    expires_at = serializers.DateTimeField()
    device_key = serializers.CharField(help_text=_("다음 로그인 때 함께 보낼 이 기기의 키(비밀로 보관)."))


class LogoutAllResponseSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text=_("지운 토큰 수"))


class UserSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "department", "access_level", "approval_status", "is_staff",
                  "approved_at", "created_at"]
        read_only_fields = fields
