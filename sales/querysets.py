"""Who sees what: one `visible_to(user)` per model, always applied in SQL.

- superusers see everything (sales operations work as superusers);
- a user without an active employee link (or not approved, or inactive) sees no sales data;
- a rep (a user linked to an employee) sees the customers assigned to them today and those customers'
  master record and contacts, plus their own assignments;
- an L3 user linked to an employee (a sales manager) also sees everything of their department: its
  employees, their assignments, and the customers any of them is assigned to today.

A customer is often served by several departments (a hospital visited by CARDIO and ONCO reps). Its master
record and contacts are shared by everyone who may see the customer; its interactions, sales records and
monthly figures belong to the department that produced them (the department of the record's employee):
a rep sees those of their own department on their current customers, a sales manager those of their
department on any customer.

Products are reference data: every approved, active user may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccessLevel
from core.capabilities import sees_all_sales


@dataclass(frozen=True)
class SalesScope:
    everything: bool = False
    employee_id: int | None = None
    home_department_id: int | None = None  # the employee's department
    manages_department: bool = False  # L3: sees (and assigns within) the whole home department

    @property
    def nothing(self) -> bool:
        return not self.everything and self.employee_id is None

    @property
    def department_id(self) -> int | None:
        """The department whose data the caller sees as a whole (sales managers only)."""
        return self.home_department_id if self.manages_department else None


NO_SCOPE = SalesScope()


def sales_scope(user) -> SalesScope:
    """The caller's scope, computed once per user object (one small query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_sales_scope", None)
    if cached is not None:
        return cached

    if sees_all_sales(user):
        scope = SalesScope(everything=True)
    elif not user.is_approved:
        scope = NO_SCOPE
    else:
        employee = (
            apps.get_model("sales", "Employee")
            .objects.filter(user_id=user.pk, is_active=True)
            .values("id", "department_id")
            .first()
        )
        if employee is None:
            scope = NO_SCOPE
        else:
            scope = SalesScope(employee_id=employee["id"], home_department_id=employee["department_id"],
                               manages_department=user.access_level >= AccessLevel.L3)
    user._sales_scope = scope
    return scope


def _current_assignments(scope: SalesScope):
    """Assignments in force today of the scope's employee (and, for L3, of their department)."""
    who = Q(employee_id=scope.employee_id)
    if scope.department_id is not None:
        who |= Q(employee__department_id=scope.department_id)
    return apps.get_model("sales", "Assignment").objects.current().filter(who)


def visible_customer_ids(scope: SalesScope):
    return _current_assignments(scope).values("customer_id")


def _department_employee_ids(department_id: int):
    return apps.get_model("sales", "Employee").objects.filter(department_id=department_id).values("id")


class ScopedQuerySet(models.QuerySet):
    """visible_to(user) for sales data: everything, nothing, or `scope_condition(scope)` in SQL."""

    def visible_to(self, user):
        scope = sales_scope(user)
        if scope.everything:
            return self
        if scope.nothing:
            return self.none()
        return self.filter(self.scope_condition(scope))

    def scope_condition(self, scope: SalesScope) -> Q:
        raise NotImplementedError


class EmployeeQuerySet(ScopedQuerySet):
    def scope_condition(self, scope):
        condition = Q(pk=scope.employee_id) | Q(manager_id=scope.employee_id)
        if scope.department_id is not None:
            condition |= Q(department_id=scope.department_id)
        return condition

    def assignable_by(self, user):
        """Employees the user may assign to customers: superusers any active one, sales managers the active
        employees of their own department, everyone else none."""
        scope = sales_scope(user)
        if scope.everything:
            return self.filter(is_active=True)
        if scope.department_id is None:
            return self.none()
        return self.filter(is_active=True, department_id=scope.department_id)


class CustomerQuerySet(ScopedQuerySet):
    def scope_condition(self, scope):
        return Q(pk__in=visible_customer_ids(scope))

    def assignable_by(self, user):
        """Customers the user may assign employees to: superusers any (opening a customer to a new department
        is for sales operations), sales managers those their department already serves today."""
        scope = sales_scope(user)
        if scope.everything:
            return self
        if scope.department_id is None:
            return self.none()
        return self.filter(pk__in=apps.get_model("sales", "Assignment").objects.current().filter(
            employee__department_id=scope.department_id).values("customer_id"))

    def assigned_to(self, employee, *, on=None):
        return self.filter(
            pk__in=apps.get_model("sales", "Assignment").objects.current(on=on).filter(employee=employee).values(
                "customer_id"
            )
        )


class ContactQuerySet(ScopedQuerySet):
    def scope_condition(self, scope):
        return Q(customer_id__in=visible_customer_ids(scope))


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_approved:
            return self
        return self.none()


class AssignmentQuerySet(ScopedQuerySet):
    def current(self, *, on=None):
        """In force on `on` (today by default); both dates are inclusive."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)

    def scope_condition(self, scope):
        condition = Q(employee_id=scope.employee_id)
        if scope.department_id is not None:
            condition |= Q(employee_id__in=_department_employee_ids(scope.department_id))
        return condition


class _DepartmentActivityQuerySet(ScopedQuerySet):
    """Interactions, sales records and monthly figures belong to the department that produced them: a rep sees
    their department's on their current customers, a sales manager their department's on any customer."""

    def department_condition(self, department_id: int) -> Q:
        """Rows produced by the department: by default, those of its employees."""
        return Q(employee_id__in=_department_employee_ids(department_id))

    def scope_condition(self, scope):
        if scope.department_id is not None:
            return self.department_condition(scope.department_id)
        return self.department_condition(scope.home_department_id) & Q(customer_id__in=visible_customer_ids(scope))


class InteractionQuerySet(_DepartmentActivityQuerySet):
    pass


class SalesRecordQuerySet(_DepartmentActivityQuerySet):
    pass


class PerformanceQuerySet(_DepartmentActivityQuerySet):
    def department_condition(self, department_id):
        return Q(department_id=department_id)
