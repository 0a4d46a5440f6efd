"""Every database constraint refuses bad data even when Python validation is bypassed, and full_clean()
explains the same rule in Korean."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sales.models import Assignment, Customer, Employee, Product, SalesRecord
from sales.tests.factories import (
    AssignmentFactory,
    CustomerFactory,
    EmployeeFactory,
    ProductFactory,
    SalesRecordFactory,
    valid_brn,
)
from sales.validators import validate_business_registration_number

pytestmark = pytest.mark.django_db
D = datetime.date


def raises_integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


# --- Assignment overlap (exclusion constraint with btree_gist) ------------------------------------

def test_overlapping_assignments_of_same_employee_and_customer_are_refused_by_the_database():
    first = AssignmentFactory(start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    raises_integrity(lambda: Assignment.objects.create(employee=first.employee, customer=first.customer,
                                                       start_date=D(2025, 6, 30), end_date=None))


def test_open_ended_assignment_overlaps_any_later_one():
    first = AssignmentFactory(start_date=D(2025, 1, 1), end_date=None)
    raises_integrity(lambda: Assignment.objects.create(employee=first.employee, customer=first.customer,
                                                       start_date=D(2030, 1, 1), end_date=D(2030, 2, 1)))


def test_back_to_back_assignments_and_other_employees_are_allowed():
    first = AssignmentFactory(start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    Assignment.objects.create(employee=first.employee, customer=first.customer, start_date=D(2025, 7, 1))
    Assignment.objects.create(employee=EmployeeFactory(), customer=first.customer, start_date=D(2025, 3, 1))
    assert Assignment.objects.filter(customer=first.customer).count() == 3


def test_full_clean_reports_assignment_overlap_in_korean():
    first = AssignmentFactory(start_date=D(2025, 1, 1), end_date=None)
    overlapping = Assignment(employee=first.employee, customer=first.customer, start_date=D(2025, 5, 1))
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    assert "담당 기간이 기존 배정과 겹칩니다" in str(excinfo.value)


def test_assignment_cannot_end_before_it_starts():
    employee, customer = EmployeeFactory(), CustomerFactory()
    raises_integrity(lambda: Assignment.objects.create(employee=employee, customer=customer,
                                                       start_date=D(2025, 5, 1), end_date=D(2025, 4, 30)))


# --- Sales records ---------------------------------------------------------------------------------

def test_amount_must_equal_quantity_times_unit_price():
    record = SalesRecordFactory(quantity=3, unit_price=Decimal("100.00"))
    raises_integrity(lambda: SalesRecord.objects.filter(pk=record.pk).update(amount=Decimal("301.00")))
    record.amount = Decimal("301.00")
    with pytest.raises(ValidationError, match="수량 × 단가"):
        record.full_clean()


def test_quantity_must_be_positive():
    record = SalesRecordFactory()
    raises_integrity(lambda: SalesRecord.objects.filter(pk=record.pk).update(quantity=0, amount=0))


def test_unit_prices_cannot_be_negative():
    product = ProductFactory()
    raises_integrity(lambda: Product.objects.filter(pk=product.pk).update(unit_price=Decimal("-1")))


# --- Customers and employees ------------------------------------------------------------------------

def test_business_registration_number_must_be_ten_digits_in_the_database():
    customer = CustomerFactory()
    raises_integrity(lambda: Customer.objects.filter(pk=customer.pk).update(business_registration_number="12345"))
    raises_integrity(lambda: Customer.objects.filter(pk=customer.pk).update(
        business_registration_number="12345abcde"))


def test_business_registration_number_checksum_is_validated():
    good = valid_brn(7)
    validate_business_registration_number(good)
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    with pytest.raises(ValidationError, match="검증 번호"):
        validate_business_registration_number(bad)
    customer = CustomerFactory.build(business_registration_number=bad)
    with pytest.raises(ValidationError) as excinfo:
        customer.full_clean()
    assert "business_registration_number" in excinfo.value.message_dict


def test_validator_accepts_the_usual_hyphenated_spelling():
    validate_business_registration_number("220-81-62517")
    with pytest.raises(ValidationError):
        validate_business_registration_number("220-81-62518")


def test_customer_type_outside_the_choices_is_refused():
    customer = CustomerFactory()
    raises_integrity(lambda: Customer.objects.filter(pk=customer.pk).update(customer_type="치과"))


def test_employee_cannot_be_their_own_manager():
    employee = EmployeeFactory()
    raises_integrity(lambda: Employee.objects.filter(pk=employee.pk).update(manager=employee))


def test_codes_are_unique():
    customer = CustomerFactory()
    raises_integrity(lambda: CustomerFactory(code=customer.code))
