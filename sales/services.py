"""Writes to the sales domain. Each one checks who may write, validates with full_clean() and runs atomically."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from config.exceptions import DomainError
from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerMonthlyPerformance,
    Employee,
    Interaction,
    Product,
    SalesRecord,
)
from sales.querysets import sales_scope

OVERLAP_CONSTRAINT = "sales_assignment_no_overlap"


class SalesPermissionDenied(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "sales_forbidden"


def _acting_employee_id(actor) -> int:
    scope = sales_scope(actor)
    if scope.employee_id is None:
        raise SalesPermissionDenied(_("직원 정보와 연결된 사용자만 영업 데이터를 기록할 수 있습니다."))
    return scope.employee_id


def _require_visible_customer(actor, customer: Customer) -> None:
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise SalesPermissionDenied(_("담당하지 않는 거래처에는 기록할 수 없습니다."))


def normalize_business_registration_number(value: str | None) -> str:
    return (value or "").replace("-", "").replace(" ", "").strip()


# --- Assignments ---------------------------------------------------------------------------------
# Superusers (sales operations) assign any active employee to any customer, which is how a customer opens to a
# new department. A sales manager (L3 linked to an employee) assigns active employees of their own department to
# customers their department already serves today. Nobody else assigns. A customer or employee outside the
# caller's reach answers exactly like a nonexistent one.

CUSTOMER_NOT_FOUND = _("거래처를 찾을 수 없습니다. 소속 부서가 이미 담당 중인 거래처만 배정할 수 있습니다.")
EMPLOYEE_NOT_FOUND = _("직원을 찾을 수 없습니다. 소속 부서의 재직 중인 직원만 배정할 수 있습니다.")
ASSIGNMENTS_FORBIDDEN = _("담당 배정은 영업 관리자(L3)와 영업 운영 담당자만 관리할 수 있습니다.")


def may_manage_assignments(actor) -> bool:
    scope = sales_scope(actor)
    return scope.everything or scope.department_id is not None


def _may_manage_assignments_of(actor, employee: Employee) -> bool:
    scope = sales_scope(actor)
    return scope.everything or (scope.department_id is not None and scope.department_id == employee.department_id)


def _overlap_message():
    return next(c.violation_error_message for c in Assignment._meta.constraints if c.name == OVERLAP_CONSTRAINT)


def _save_assignment(assignment: Assignment) -> Assignment:
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        # A concurrent write slipped past full_clean(): the database's exclusion constraint decides.
        if OVERLAP_CONSTRAINT in str(exc):
            raise ValidationError({"__all__": [_overlap_message()]}, code="overlap") from exc
        raise
    return assignment


def assignment_create(*, actor, employee: Employee, customer: Customer, start_date: datetime.date,
                      end_date: datetime.date | None = None, is_primary: bool = True) -> Assignment:
    """Assign a customer to an employee (rules above)."""
    if not may_manage_assignments(actor):
        raise SalesPermissionDenied(ASSIGNMENTS_FORBIDDEN)
    if not Employee.objects.assignable_by(actor).filter(pk=employee.pk).exists():
        raise ValidationError({"employee": [EMPLOYEE_NOT_FOUND]}, code="does_not_exist")
    if not Customer.objects.assignable_by(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": [CUSTOMER_NOT_FOUND]}, code="does_not_exist")
    assignment = Assignment(employee=employee, customer=customer, start_date=start_date, end_date=end_date,
                            is_primary=is_primary)
    return _save_assignment(assignment)


def assignment_update(*, actor, assignment: Assignment, **fields) -> Assignment:
    allowed = {"start_date", "end_date", "is_primary"}
    if not _may_manage_assignments_of(actor, assignment.employee):
        raise SalesPermissionDenied(_("이 직원의 담당 배정을 관리할 권한이 없습니다."))
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"assignment_update cannot change {name}")
        setattr(assignment, name, value)
    return _save_assignment(assignment)


# --- Contacts and interactions -------------------------------------------------------------------

def contact_create(*, actor, customer: Customer, name: str, title: str = "", specialty: str = "",
                   phone: str = "", email: str = "") -> Contact:
    if not sales_scope(actor).everything:
        _acting_employee_id(actor)
        _require_visible_customer(actor, customer)
    contact = Contact(customer=customer, name=name, title=title, specialty=specialty, phone=phone, email=email)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
    return contact


def contact_update(*, actor, contact: Contact, **fields) -> Contact:
    if not sales_scope(actor).everything:
        _require_visible_customer(actor, contact.customer)
    for name, value in fields.items():
        if name not in {"name", "title", "specialty", "phone", "email", "is_active"}:
            raise ValueError(f"contact_update cannot change {name}")
        setattr(contact, name, value)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
    return contact


def _check_interaction_links(customer: Customer, contact: Contact | None) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": [_("면담자는 해당 거래처의 담당자여야 합니다.")]}, code="contact_mismatch")


def interaction_create(*, actor, customer: Customer, interaction_type: str, occurred_at: datetime.datetime,
                       summary: str, contact: Contact | None = None, products: Iterable[Product] = (),
                       next_action: str = "", next_action_due: datetime.date | None = None,
                       employee: Employee | None = None) -> Interaction:
    """Log an activity. Reps log their own, and only for customers assigned to them today."""
    scope = sales_scope(actor)
    if scope.everything and employee is not None:
        employee_id = employee.pk
    else:
        employee_id = _acting_employee_id(actor)
        if not scope.everything:
            _require_visible_customer(actor, customer)
    _check_interaction_links(customer, contact)
    interaction = Interaction(employee_id=employee_id, customer=customer, contact=contact,
                              interaction_type=interaction_type, occurred_at=occurred_at, summary=summary,
                              next_action=next_action, next_action_due=next_action_due)
    interaction.full_clean()
    with transaction.atomic():
        interaction.save()
        interaction.products.set(list(products))
    return interaction


def interaction_update(*, actor, interaction: Interaction, products: Iterable[Product] | None = None,
                       **fields) -> Interaction:
    """Change an activity. Reps change only their own; L3 users those of their department."""
    scope = sales_scope(actor)
    if not scope.everything:
        own = interaction.employee_id == scope.employee_id
        departmental = scope.department_id is not None and interaction.employee.department_id == scope.department_id
        if not (own or departmental):
            raise SalesPermissionDenied(_("다른 직원의 영업 활동은 수정할 수 없습니다."))
    editable = {"contact", "interaction_type", "occurred_at", "summary", "next_action", "next_action_due"}
    for name, value in fields.items():
        if name not in editable:
            raise ValueError(f"interaction_update cannot change {name}")
        setattr(interaction, name, value)
    _check_interaction_links(interaction.customer, interaction.contact)
    interaction.full_clean()
    with transaction.atomic():
        interaction.save()
        if products is not None:
            interaction.products.set(list(products))
    return interaction


# --- Sales records -------------------------------------------------------------------------------

def sales_record_save(*, record: SalesRecord) -> SalesRecord:
    """Save a sale keyed in by staff (imports use COPY). The amount is always quantity × unit price; the unit
    price defaults to the product's."""
    if record.unit_price is None and record.product_id:
        record.unit_price = record.product.unit_price
    if record.quantity is not None and record.unit_price is not None:
        record.amount = Decimal(record.quantity) * Decimal(record.unit_price)
    record.full_clean()
    with transaction.atomic():
        record.save()
    return record


# --- Monthly performance -------------------------------------------------------------------------

def performance_refresh(*, concurrently: bool = True) -> float:
    """Refresh customer_monthly_performance_mv; returns the seconds it took."""
    table = CustomerMonthlyPerformance._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"REFRESH MATERIALIZED VIEW {'CONCURRENTLY ' if concurrently else ''}{table}")
    return time.perf_counter() - started
