"""Writes for accounts: registration, approval and login bookkeeping."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from accounts.models import AccessLevel, ApprovalStatus, AuthToken, Department, User
from config.exceptions import DomainError


def login_cache():
    """The cache every process shares (a table in PostgreSQL): failure counts must add up across workers."""
    return caches[settings.LOGIN_CACHE_ALIAS]


class AccountNotApproved(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "account_not_approved"


class InvalidCredentials(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid_credentials"


class TooManyLoginFailures(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_login_failures"


class WeakPassword(DomainError):
    code = "weak_password"


REGISTRATION_RECEIVED = _("가입 요청이 접수되었습니다. 관리자 승인 후 로그인할 수 있습니다. "
                          "이미 가입된 이메일이면 기존 계정으로 로그인하거나 관리자에게 문의하세요.")


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise WeakPassword(_("비밀번호 규칙에 맞지 않습니다: %(reasons)s") % {"reasons": " ".join(exc.messages)},
                           extra={"password": exc.messages}) from None


@transaction.atomic
def user_register(*, email: str, password: str, name: str, department_code: str | None = None) -> User | None:
    """Create a pending L1 user; access level and staff flags are never taken from the caller.

    An email that is already registered changes nothing and returns None; the caller answers exactly as for a
    new email (same status, body and work: the password is hashed either way), so sign-up does not reveal who
    has an account.
    """
    email = User.objects.normalize_email(email).lower()
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise DomainError(_("알 수 없는 부서 코드입니다: %(code)s") % {"code": department_code})
    user = User(email=email, name=name, department=department)
    _validate_new_password(password, user)
    user.set_password(password)
    if User.objects.filter(email__iexact=email).exists():
        return None
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
    AuthToken.objects.filter(user=user).delete()
    return user


# --- Login: failure counting in the shared cache, constant-time checks, per-device tokens -------------------------
#
# A successful login hands out a signed `device_key` (bound to the email). A login that sends it back comes from a
# trusted device and its failures are counted for that device alone, so nobody else, not even someone behind the
# same address, can lock it out. Other logins are counted per (email, address) and per address (both refuse with
# 429 at their limits) and per email, which only slows down: past LOGIN_EMAIL_FAILURE_LIMIT an untrusted client
# waits LOGIN_EMAIL_DELAY_SECONDS after each failure for that email.

DEVICE_KEY_SALT = "accounts.login-device"


def _hashed(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def trusted_device(*, email: str, device_key: str) -> str | None:
    """The device id inside a valid device key issued to this email, else None."""
    if not device_key:
        return None
    try:
        claims = signing.loads(device_key, salt=DEVICE_KEY_SALT, max_age=settings.LOGIN_DEVICE_KEY_MAX_AGE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(claims, dict) or claims.get("e") != _hashed(email.lower()):
        return None
    return str(claims.get("d", "")) or None


def device_key_for(*, email: str, device: str | None = None) -> str:
    return signing.dumps({"e": _hashed(email.lower()), "d": device or secrets.token_hex(16)}, salt=DEVICE_KEY_SALT)


def _failure_keys(email: str, address: str, device: str | None) -> dict[str, str]:
    email = email.lower()
    if device is not None:
        return {"device": f"login-fail:device:{_hashed(email, device)}"}
    return {"pair": f"login-fail:pair:{_hashed(email, address)}", "address": f"login-fail:addr:{_hashed(address)}",
            "email": f"login-fail:email:{_hashed(email)}"}


def _count_failure(key: str) -> int:
    cache = login_cache()
    if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def _too_many(retry_after: int):
    return TooManyLoginFailures(
        _("로그인 실패가 너무 많습니다. %(seconds)d초 후 다시 시도하세요. 전에 로그인했던 기기에서는 지금도 로그인할 수 "
          "있습니다.") % {"seconds": retry_after}, extra={"retry_after": retry_after})


def _refuse_if_throttled(keys: dict[str, str], email: str) -> None:
    cache = login_cache()
    counts = cache.get_many(list(keys.values()))
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if counts.get(keys.get("device"), 0) >= settings.LOGIN_FAILURE_LIMIT:
        raise _too_many(window)
    if counts.get(keys.get("pair"), 0) >= settings.LOGIN_FAILURE_LIMIT:
        raise _too_many(window)
    if counts.get(keys.get("address"), 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        raise _too_many(window)
    if "email" in keys and cache.get(f"login-wait:{_hashed(email.lower())}"):
        raise _too_many(settings.LOGIN_EMAIL_DELAY_SECONDS)


def _record_failure(keys: dict[str, str], email: str) -> None:
    for name, key in keys.items():
        count = _count_failure(key)
        if name == "email" and count >= settings.LOGIN_EMAIL_FAILURE_LIMIT:
            login_cache().set(f"login-wait:{_hashed(email.lower())}", 1, timeout=settings.LOGIN_EMAIL_DELAY_SECONDS)


def token_login(*, email: str, password: str, address: str, device_key: str = "",
                device_name: str = "") -> tuple[AuthToken, str, str]:
    """Email + password to a new token for this device: (token, key, device_key). Only the key's digest is stored.

    Known and unknown emails cost one password hash each, so the answer time does not tell them apart.
    """
    device = trusted_device(email=email, device_key=device_key)
    keys = _failure_keys(email, address, device)
    _refuse_if_throttled(keys, email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        make_password(password)  # the work check_password would have done
        password_ok = False
    else:
        password_ok = user.check_password(password)
    if not password_ok or not user.is_active:
        _record_failure(keys, email)
        raise InvalidCredentials(_("이메일 또는 비밀번호가 올바르지 않습니다."))
    login_cache().delete_many([keys[name] for name in ("device", "pair") if name in keys])
    if user.approval_status == ApprovalStatus.REJECTED:
        raise AccountNotApproved(_("가입 요청이 거절되었습니다. 관리자에게 문의하세요."))
    if not user.is_approved:
        raise AccountNotApproved(_("계정이 관리자 승인을 기다리고 있습니다. 승인 후 로그인할 수 있습니다."))
    user_logged_in.send(sender=type(user), request=None, user=user)
    token, key = token_issue(user=user, device_name=device_name)
    return token, key, device_key_for(email=email, device=device)


def token_issue(*, user: User, device_name: str = "") -> tuple[AuthToken, str]:
    key = secrets.token_hex(20)
    token = AuthToken(user=user, digest=AuthToken.digest_of(key), device_name=device_name[:100],
                      expires_at=timezone.now() + datetime.timedelta(hours=settings.AUTH_TOKEN_TTL_HOURS))
    token.full_clean()
    token.save()
    return token, key


def token_logout(*, token: AuthToken | None) -> None:
    """Revoke one device's token (the one the request came with)."""
    if token is not None:
        AuthToken.objects.filter(pk=token.pk).delete()


def token_logout_all(*, user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def bootstrap_admin(*, email: str, password: str, name: str = "") -> tuple[User, bool]:
    """Create the first superuser, or leave an existing one as it is (idempotent)."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    user = User.objects.create_superuser(email=email, password=password, name=name or email.split("@")[0],
                                         access_level=AccessLevel.L3)
    return user, True
