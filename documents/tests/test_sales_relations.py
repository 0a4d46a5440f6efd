"""Documents linked to customers and products: set on upload, filterable, limited to what the user may see."""

import pytest

from accounts.tests.factories import UserFactory
from documents.models import Document
from sales.tests.factories import AssignmentFactory, CustomerFactory, EmployeeFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_with_customer():
    rep = UserFactory()
    assignment = AssignmentFactory(employee=EmployeeFactory(user=rep, department=rep.department))
    return rep, assignment.customer


def test_upload_links_customer_and_product_and_list_filters_by_them(upload, client_for, rep_with_customer):
    rep, customer = rep_with_customer
    product = ProductFactory()
    linked = upload(rep, "방문메모.txt", "한빛병원 방문 메모: 리피토 처방 논의".encode(),
                    customers=[customer.pk], products=[product.pk])
    upload(rep, "기타.txt", "다른 메모입니다.".encode())

    assert linked.status_code == 201, linked.json()
    document = Document.objects.get(pk=linked.json()["id"])
    assert list(document.customers.all()) == [customer] and list(document.products.all()) == [product]

    client = client_for(rep)
    by_customer = client.get("/api/documents/", {"customer": customer.pk}).json()["results"]
    by_product = client.get("/api/documents/", {"product": product.pk}).json()["results"]
    assert [d["id"] for d in by_customer] == [str(document.pk)]
    assert [d["id"] for d in by_product] == [str(document.pk)]


def test_a_rep_cannot_link_a_customer_they_are_not_assigned_to(upload, rep_with_customer):
    rep, _own_customer = rep_with_customer
    someone_elses = CustomerFactory()

    response = upload(rep, "메모.txt", "메모".encode(),
                      customers=[someone_elses.pk])

    assert response.status_code == 400
    assert "customers" in response.json()
    assert not Document.objects.exists()


def test_editing_relations_keeps_links_to_customers_the_editor_cannot_see(client_for, rep_with_customer):
    from documents.tests.factories import DocumentFactory

    rep, own_customer = rep_with_customer
    hidden_customer = CustomerFactory()
    document = DocumentFactory(uploaded_by=rep)
    document.customers.set([hidden_customer])

    response = client_for(rep).patch(f"/api/documents/{document.pk}/", {"customers": [own_customer.pk]},
                                     format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["customers"] == [own_customer.pk]  # the hidden link is not shown ...
    assert set(document.customers.all()) == {own_customer, hidden_customer}  # ... and not dropped
