"""List endpoints run a fixed number of queries whatever the page holds (no N+1)."""

import pytest
from django.urls import reverse

from sales.services import performance_refresh
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    InteractionFactory,
    ProductFactory,
    SalesRecordFactory,
    rep_user,
)

pytestmark = pytest.mark.django_db

# endpoint -> queries for a rep: the rep's scope, the page count, the page (+1 prefetch for interaction products)
EXPECTED = {
    "customer": 3,
    "contact": 3,
    "employee": 3,
    "assignment": 3,
    "interaction": 4,
    "sales-record": 3,
    "performance": 3,
    "product": 2,
}


def build(rep, n):
    products = [ProductFactory() for _ in range(n)]
    for _ in range(n):
        assignment = AssignmentFactory(employee=rep)
        ContactFactory(customer=assignment.customer)
        interaction = InteractionFactory(employee=rep, customer=assignment.customer)
        interaction.products.set(products)
        for product in products:
            SalesRecordFactory(employee=rep, customer=assignment.customer, product=product)
    AssignmentFactory.create_batch(n, employee__manager=rep)  # reports the rep sees on employees/
    performance_refresh()


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
@pytest.mark.parametrize("rows", [2, 8])
def test_list_query_count_does_not_grow_with_rows(endpoint, rows, client_for, django_assert_num_queries):
    user, employee = rep_user()
    build(employee, rows)
    client = client_for(user)
    with django_assert_num_queries(EXPECTED[endpoint]):
        response = client.get(reverse(f"sales:{endpoint}-list"))
    assert response.status_code == 200
    assert response.json()["count"] >= rows
