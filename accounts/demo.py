"""Demo departments and the demo administrator. Other apps add their part in their own demo.py."""

import os
import secrets
from pathlib import Path

from django.conf import settings

from django.contrib.auth.models import Group

from accounts.models import AccessLevel, ApprovalStatus, Department, User

DEPARTMENTS = [
    ("CARDIO", "순환기사업부"),
    ("ONCO", "항암사업부"),
    ("PRIMARY", "일반의약사업부"),
    ("MARKETING", "마케팅팀"),
    ("MEDICAL", "메디컬팀"),
    ("SALESOPS", "영업지원팀"),
]
ADMIN_EMAIL = "admin@demo.pharma.kr"
# Demo logins that work in the admin as one of the staff personas (groups from accounts/migrations/0002).
PERSONA_GROUPS = {
    "librarian@demo.pharma.kr": "문서 관리자",
    "manager@demo.pharma.kr": "영업 관리자",
    "pm@demo.pharma.kr": "제품 담당",
}


def demo_password() -> str:
    """DEMO_PASSWORD from the environment, else one random password kept in .data/ (never in git)."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(settings.BASE_DIR) / ".data" / "demo-password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def demo_user(*, email: str, name: str, department: Department | None, access_level: int,
              is_staff: bool = False) -> User:
    """Get or create an approved demo user (idempotent); persona logins are staff in their group."""
    persona = PERSONA_GROUPS.get(email.lower())
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=demo_password(), name=name, department=department,
                                        access_level=access_level, is_staff=is_staff or persona is not None,
                                        approval_status=ApprovalStatus.APPROVED)
    if persona is not None:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=persona))
    return user


def seed(*, stdout) -> dict:
    for code, name in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name})
    admin = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    if admin is None:
        admin = User.objects.create_superuser(email=ADMIN_EMAIL, password=demo_password(), name="데모 관리자",
                                              access_level=AccessLevel.L3,
                                              department=Department.objects.get(code="SALESOPS"))
    stdout.write(f"계정: 부서 {len(DEPARTMENTS)}개, 관리자 {ADMIN_EMAIL}")
    return {"logins": [(ADMIN_EMAIL, "최고 관리자")]}
