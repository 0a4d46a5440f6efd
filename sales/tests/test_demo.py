"""seed_demo's sales part: what other apps and the README rely on, and that a second run changes nothing."""

import io

import pytest

from accounts import demo as accounts_demo
from sales import demo
from sales.models import Customer, Employee, Product, SalesRecord


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_builds_the_demo_organisation_once():
    out = io.StringIO()
    accounts_demo.seed(stdout=out)
    logins = dict(demo.seed(stdout=out)["logins"])
    counts = (Employee.objects.count(), Customer.objects.count(), Product.objects.count(),
              SalesRecord.objects.count())

    assert {demo.REP_EMAIL, demo.MANAGER_EMAIL} <= set(logins)
    assert counts[:3] == (50, 500, 43)
    rep = Employee.objects.get(user__email=demo.REP_EMAIL)
    assert Customer.objects.assigned_to(rep).filter(name=demo.FLAGSHIP_CUSTOMER).exists()
    assert Customer.objects.visible_to(rep.user).count() > 1
    assert len({ingredient_en for _, _, ingredient_en in demo.product_synonyms()}) == 43
    # One story with the demo documents: 한빛대학교병원 buys the products they describe, and its last visit left
    # the next action the pre-call brief shows.
    flagship = Customer.objects.get(name=demo.FLAGSHIP_CUSTOMER)
    bought = set(SalesRecord.objects.filter(customer=flagship).values_list("product__name", flat=True))
    assert {"리피토정", "노바스크정", "엘리퀴스정", "카듀엣정", "입랜스캡슐", "잴코리캡슐"} <= bought
    assert flagship.interactions.filter(next_action="견적서 발송", employee=rep).exists()

    demo.seed(stdout=out)
    assert (Employee.objects.count(), Customer.objects.count(), Product.objects.count(),
            SalesRecord.objects.count()) == counts
