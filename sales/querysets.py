"""Who sees what: one `visible_to(user)` per model, always applied in SQL.

- superusers see everything;
- a user without an active employee link (or not approved, or inactive) sees no sales data;
- a rep (a user linked to an employee) sees the customers assigned to them today, and the contacts,
  interactions, sales records and monthly figures of those customers, plus their own assignments;
- an L3 user linked to an employee also sees everything of their department: its employees, their
  assignments, interactions and sales records, and the customers assigned to them today.

Products are reference data: every approved, active user may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class SalesScope:
    everything: bool = False
    employee_id: int | None = None
    department_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.employee_id is None


NO_SCOPE = SalesScope()


def sales_scope(user) -> SalesScope:
    """The caller's scope, computed once per user object (one small query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_sales_scope", None)
    if cached is not None:
        return cached
    from accounts.models import AccessLevel

    if user.is_superuser:
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
            department_id = employee["department_id"] if user.access_level >= AccessLevel.L3 else None
            scope = SalesScope(employee_id=employee["id"], department_id=department_id)
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


class CustomerQuerySet(ScopedQuerySet):
    def scope_condition(self, scope):
        return Q(pk__in=visible_customer_ids(scope))

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


class _CustomerScopedActivityQuerySet(ScopedQuerySet):
    """Interactions and sales records: those of visible customers, and for L3 those of the department."""

    def scope_condition(self, scope):
        condition = Q(customer_id__in=visible_customer_ids(scope))
        if scope.department_id is not None:
            condition |= Q(employee_id__in=_department_employee_ids(scope.department_id))
        return condition


class InteractionQuerySet(_CustomerScopedActivityQuerySet):
    pass


class SalesRecordQuerySet(_CustomerScopedActivityQuerySet):
    pass


class PerformanceQuerySet(ScopedQuerySet):
    def scope_condition(self, scope):
        return Q(customer_id__in=visible_customer_ids(scope))
