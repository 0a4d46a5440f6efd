import hashlib
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLevel(models.IntegerChoices):
    L1 = 1, _("L1 (일반)")
    L2 = 2, _("L2 (관리자급)")
    L3 = 3, _("L3 (부서 전체)")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("승인 대기")
    APPROVED = "approved", _("승인됨")
    REJECTED = "rejected", _("거절됨")


class Department(models.Model):
    code = models.CharField(_("부서 코드"), max_length=50, unique=True)
    name = models.CharField(_("부서명"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("부서")
        verbose_name_plural = _("부서")

    def __str__(self):
        return f"{self.name} ({self.code})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, approval_status=ApprovalStatus.APPROVED)
        fields.setdefault("access_level", AccessLevel.L3)
        fields.setdefault("name", email.split("@")[0])
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("이메일"), max_length=255, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("부서"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    access_level = models.PositiveSmallIntegerField(_("접근 등급"), choices=AccessLevel.choices, default=AccessLevel.L1)
    is_active = models.BooleanField(_("활성"), default=True)
    is_staff = models.BooleanField(_("관리자 화면 접근"), default=False)
    approval_status = models.CharField(
        _("승인 상태"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_index=True
    )
    approved_by = models.ForeignKey(
        "self", verbose_name=_("승인자"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("승인 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("가입 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_email_ci_unique"),
            models.CheckConstraint(condition=models.Q(access_level__gte=1, access_level__lte=3), name="users_access_level_1_3"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_approved(self) -> bool:
        return self.approval_status == ApprovalStatus.APPROVED


class AuthTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now())


class AuthToken(models.Model):
    """An API token for one device. Only a SHA-256 digest of the key is stored; the key is shown once, at login."""

    digest = models.CharField(_("키 해시"), max_length=64, unique=True, editable=False)
    user = models.ForeignKey(User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="auth_tokens")
    device_name = models.CharField(_("기기 이름"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("발급 시각"), auto_now_add=True)
    expires_at = models.DateTimeField(_("만료 시각"), db_index=True)

    objects = AuthTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user.email} · {self.device_name or '-'}"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
