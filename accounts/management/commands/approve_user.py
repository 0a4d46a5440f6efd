from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import Department, User


class Command(BaseCommand):
    help = "Approve a pending user, optionally setting their access level and department."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--access-level", type=int, choices=[1, 2, 3])
        parser.add_argument("--department", help="department code")

    def handle(self, *args, email, access_level, department, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"이메일이 {email}인 사용자가 없습니다.")
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(f"부서 코드 {department}가 없습니다.")
        services.user_approve(user=user, approved_by=None, access_level=access_level, department=dept)
        self.stdout.write(self.style.SUCCESS(
            f"승인했습니다: {user.email} (L{user.access_level}, 부서 {user.department.code if user.department else '-'})"
        ))
