"""Writes for accounts: registration, approval and login bookkeeping."""

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authtoken.models import Token

from accounts.models import AccessLevel, ApprovalStatus, Department, User
from config.exceptions import DomainError


class AccountNotApproved(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "account_not_approved"


class InvalidCredentials(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid_credentials"


class TooManyLoginFailures(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_login_failures"


class EmailTaken(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "email_taken"


@transaction.atomic
def user_register(*, email: str, password: str, name: str, department_code: str | None = None) -> User:
    """Create a pending L1 user. Access level and staff flags are never taken from the caller."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(_("이미 가입된 이메일입니다. 로그인하거나 관리자에게 문의하세요."))
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise DomainError(_("알 수 없는 부서 코드입니다: %(code)s") % {"code": department_code})
    user = User(email=email, name=name, department=department)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_approve(*, user: User, approved_by: User | None, access_level: int | None = None,
                 department: Department | None = None) -> User:
    user.approval_status = ApprovalStatus.APPROVED
    user.approved_by = approved_by
    user.approved_at = timezone.now()
    if access_level is not None:
        user.access_level = access_level
    if department is not None:
        user.department = department
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_reject(*, user: User, rejected_by: User | None) -> User:
    user.approval_status = ApprovalStatus.REJECTED
    user.approved_by = rejected_by
    user.approved_at = timezone.now()
    user.save(update_fields=["approval_status", "approved_by", "approved_at", "updated_at"])
    Token.objects.filter(user=user).delete()
    return user


def _failure_key(email: str, client_ip: str) -> str:
    digest = hashlib.sha256(f"{email.lower()}|{client_ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def token_login(*, email: str, password: str, client_ip: str, request=None) -> Token:
    """Exchange email + password for an API token, counting failures per email and client."""
    key = _failure_key(email, client_ip)
    if cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT:
        raise TooManyLoginFailures(_("로그인 실패가 너무 많습니다. 잠시 후 다시 시도하세요."))
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.is_active and user.check_password(password) and not user.is_approved:
        if user.approval_status == ApprovalStatus.REJECTED:
            raise AccountNotApproved(_("가입 요청이 거절되었습니다. 관리자에게 문의하세요."))
        raise AccountNotApproved(_("계정이 관리자 승인을 기다리고 있습니다. 승인 후 로그인할 수 있습니다."))
    authenticated = authenticate(request, email=email, password=password)
    if authenticated is None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        raise InvalidCredentials(_("이메일 또는 비밀번호가 올바르지 않습니다."))
    cache.delete(key)
    token, _created = Token.objects.get_or_create(user=authenticated)
    return token


def token_logout(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def bootstrap_admin(*, email: str, password: str, name: str = "") -> tuple[User, bool]:
    """Create the first superuser, or leave an existing one as it is (idempotent)."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    user = User.objects.create_superuser(email=email, password=password, name=name or email.split("@")[0],
                                         access_level=AccessLevel.L3)
    return user, True
