from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=255)
    password = serializers.CharField(write_only=True, min_length=8, style={"input_type": "password"})
    name = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                       help_text=_("부서 코드 (선택)"))


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "department", "access_level", "approval_status", "is_staff",
                  "approved_at", "created_at"]
        read_only_fields = fields
