import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import AccessLevel
from accounts.tests.factories import DepartmentFactory, UserFactory
from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerType,
    DosageForm,
    Employee,
    Interaction,
    InteractionType,
    Product,
    Region,
    SalesRecord,
    TherapeuticArea,
)
from sales.validators import brn_check_digit


def valid_brn(n: int) -> str:
    first = f"{120 + n % 700:03d}{n % 90 + 10:02d}{n % 100000:05d}"[:9]
    return first + str(brn_check_digit(first))


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"직원{n}")
    department = factory.SubFactory(DepartmentFactory, code="CARDIO", name="순환기사업부")
    region = Region.SEOUL
    hire_date = datetime.date(2020, 3, 2)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"TC{n:05d}")
    name = factory.Sequence(lambda n: f"테스트{n}병원")
    customer_type = CustomerType.HOSPITAL
    region = Region.SEOUL
    business_registration_number = factory.Sequence(valid_brn)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"의사{n}")
    title = "과장"
    specialty = "순환기내과"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"TP{n:04d}")
    name = factory.Sequence(lambda n: f"테스트정{n}")
    ingredient = "아토르바스타틴"
    ingredient_en = "atorvastatin"
    therapeutic_area = TherapeuticArea.CARDIOVASCULAR
    dosage_form = DosageForm.TABLET
    strength = "10mg"
    unit_price = Decimal("500.00")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """Current by default: started 30 days ago, open-ended."""

    class Meta:
        model = Assignment

    employee = factory.SubFactory(EmployeeFactory)
    customer = factory.SubFactory(CustomerFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = None


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    employee = factory.SubFactory(EmployeeFactory)
    customer = factory.SubFactory(CustomerFactory)
    interaction_type = InteractionType.VISIT
    occurred_at = factory.LazyFunction(timezone.now)
    summary = "제품 설명회"


class SalesRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesRecord

    employee = factory.SubFactory(EmployeeFactory)
    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    sale_date = factory.LazyFunction(timezone.localdate)
    quantity = 10
    unit_price = factory.LazyAttribute(lambda o: o.product.unit_price)
    amount = factory.LazyAttribute(lambda o: o.quantity * o.unit_price)


def rep_user(*, department=None, access_level=AccessLevel.L1, **user_fields):
    """A login user linked to an employee of `department`: returns (user, employee)."""
    department = department or DepartmentFactory(code="CARDIO", name="순환기사업부")
    user = UserFactory(department=department, access_level=access_level, **user_fields)
    employee = EmployeeFactory(department=department, user=user, name=user.name)
    return user, employee
