import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import AccessLevel
from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    SalesRecordFactory,
    rep_user,
)


@pytest.fixture
def world(db):
    """Two CARDIO reps (a, b), an ONCO rep, a CARDIO L3 manager, an L3 user with no employee link, a superuser.

    Customers: `a` (assigned to rep a today), `b` (rep b), `old` (rep a until last month), `onco` (ONCO rep).
    Each customer has one contact, one interaction and one sales record by the assigned employee.
    """
    today = timezone.localdate()
    cardio = DepartmentFactory(code="CARDIO", name="순환기사업부")
    onco = DepartmentFactory(code="ONCO", name="항암사업부")
    rep_a, emp_a = rep_user(department=cardio, name="영업A")
    rep_b, emp_b = rep_user(department=cardio, name="영업B")
    onco_rep, emp_onco = rep_user(department=onco, name="항암영업")
    manager, emp_manager = rep_user(department=cardio, access_level=AccessLevel.L3, name="본부장")
    emp_a.manager = emp_manager
    emp_a.save()
    unlinked = UserFactory(department=cardio, access_level=AccessLevel.L3, name="연결없음")
    superuser = SuperUserFactory()

    customers = {
        "a": CustomerFactory(name="가나병원"),
        "b": CustomerFactory(name="다라병원"),
        "old": CustomerFactory(name="마바의원"),
        "onco": CustomerFactory(name="사아대학교병원"),
    }
    owners = {"a": emp_a, "b": emp_b, "old": emp_a, "onco": emp_onco}
    for key, customer in customers.items():
        if key == "old":
            AssignmentFactory(employee=emp_a, customer=customer, start_date=today - datetime.timedelta(days=400),
                              end_date=today - datetime.timedelta(days=40))
        else:
            AssignmentFactory(employee=owners[key], customer=customer)
        ContactFactory(customer=customer, name=f"{customer.name} 담당의")
        InteractionFactory(employee=owners[key], customer=customer, summary=f"{customer.name} 방문")
        SalesRecordFactory(employee=owners[key], customer=customer,
                           sale_date=today - datetime.timedelta(days=60 if key == "old" else 1))
    return SimpleNamespace(
        cardio=cardio, onco=onco, rep_a=rep_a, emp_a=emp_a, rep_b=rep_b, emp_b=emp_b, onco_rep=onco_rep,
        emp_onco=emp_onco, manager=manager, emp_manager=emp_manager, unlinked=unlinked, superuser=superuser,
        customers=customers,
    )
