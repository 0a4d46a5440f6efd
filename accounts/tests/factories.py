import factory

from accounts.models import AccessLevel, ApprovalStatus, Department, User

TEST_PASSWORD = "correct-horse-battery-9"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"DEPT{n}")
    name = factory.Sequence(lambda n: f"부서{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """An approved, active user at L1 whose password is TEST_PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    name = factory.Sequence(lambda n: f"사용자{n}")
    department = factory.SubFactory(DepartmentFactory)
    access_level = AccessLevel.L1
    approval_status = ApprovalStatus.APPROVED
    password = factory.django.Password(TEST_PASSWORD)


class PendingUserFactory(UserFactory):
    approval_status = ApprovalStatus.PENDING


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True
    access_level = AccessLevel.L3
