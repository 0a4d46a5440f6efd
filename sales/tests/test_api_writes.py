"""Writes through the API follow the visibility rules and come back as clear 400/403 errors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import Assignment, Interaction
from sales.services import SalesPermissionDenied, interaction_create
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def interaction_payload(customer, **extra):
    return {"customer": customer.pk, "interaction_type": "visit", "occurred_at": timezone.now().isoformat(),
            "summary": "신제품 디테일링", **extra}


def test_rep_logs_an_interaction_for_their_customer_as_themselves(world, client_for):
    product = ProductFactory()
    contact = world.customers["a"].contacts.get()
    payload = interaction_payload(world.customers["a"], contact=contact.pk, products=[product.pk],
                                  next_action="자료 전달", next_action_due="2030-01-10")
    response = client_for(world.rep_a).post(reverse("sales:interaction-list"), payload, format="json")
    assert response.status_code == 201, response.content
    created = Interaction.objects.get(pk=response.json()["id"])
    assert created.employee == world.emp_a
    assert list(created.products.all()) == [product]


def test_rep_cannot_log_an_interaction_for_a_customer_not_assigned_to_them(world, client_for):
    response = client_for(world.rep_a).post(reverse("sales:interaction-list"),
                                            interaction_payload(world.customers["b"]), format="json")
    assert response.status_code == 400
    assert "customer" in response.json()
    assert not Interaction.objects.filter(customer=world.customers["b"], employee=world.emp_a).exists()


def test_service_refuses_interaction_for_unassigned_customer_even_without_the_serializer(world):
    with pytest.raises(SalesPermissionDenied):
        interaction_create(actor=world.rep_a, customer=world.customers["old"], interaction_type="call",
                           occurred_at=timezone.now(), summary="전화")


def test_contact_of_another_customer_is_refused(world, client_for):
    world.customers["a"].contacts.create(name="다른 의사")
    foreign_contact = world.customers["b"].contacts.get()
    response = client_for(world.manager).post(
        reverse("sales:interaction-list"), interaction_payload(world.customers["a"], contact=foreign_contact.pk),
        format="json")
    assert response.status_code == 400
    assert "면담자는 해당 거래처의 담당자여야 합니다." in str(response.json())


def test_due_date_without_next_action_is_a_validation_error(world, client_for):
    response = client_for(world.rep_a).post(
        reverse("sales:interaction-list"), interaction_payload(world.customers["a"], next_action_due="2030-01-01"),
        format="json")
    assert response.status_code == 400
    assert "다음 할 일" in str(response.json())


def test_rep_cannot_edit_another_reps_interaction(world, client_for):
    other = world.customers["b"].interactions.get()
    response = client_for(world.rep_a).patch(reverse("sales:interaction-detail", args=[other.pk]),
                                             {"summary": "변경"}, format="json")
    assert response.status_code == 404


def test_rep_edits_own_interaction(world, client_for):
    own = world.customers["a"].interactions.get()
    response = client_for(world.rep_a).patch(reverse("sales:interaction-detail", args=[own.pk]),
                                             {"summary": "수정된 내용"}, format="json")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.summary == "수정된 내용"


def test_manager_assigns_department_rep_to_a_customer_the_department_serves(world, client_for):
    payload = {"employee": world.emp_b.pk, "customer": world.customers["a"].pk,
               "start_date": timezone.localdate().isoformat()}
    response = client_for(world.manager).post(reverse("sales:assignment-list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert world.customers["a"].assignments.filter(employee=world.emp_b).exists()


def test_overlapping_assignment_is_a_clear_400(world, client_for):
    start = timezone.localdate() - datetime.timedelta(days=5)
    payload = {"employee": world.emp_a.pk, "customer": world.customers["a"].pk, "start_date": start.isoformat()}
    response = client_for(world.manager).post(reverse("sales:assignment-list"), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "담당 기간이 기존 배정과 겹칩니다" in str(body)
    assert Assignment.objects.filter(employee=world.emp_a, customer=world.customers["a"]).count() == 1


def test_rep_cannot_create_assignments(world, client_for):
    payload = {"employee": world.emp_a.pk, "customer": world.customers["b"].pk,
               "start_date": timezone.localdate().isoformat()}
    response = client_for(world.rep_a).post(reverse("sales:assignment-list"), payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "sales_forbidden"


def test_sales_records_are_read_only_through_the_api(world, client_for):
    response = client_for(world.superuser).post(reverse("sales:sales-record-list"), {}, format="json")
    assert response.status_code == 405


def test_rep_adds_a_contact_to_their_customer_only(world, client_for):
    client = client_for(world.rep_a)
    ok = client.post(reverse("sales:contact-list"), {"customer": world.customers["a"].pk, "name": "신규 약사"},
                     format="json")
    refused = client.post(reverse("sales:contact-list"), {"customer": world.customers["b"].pk, "name": "침입"},
                          format="json")
    assert ok.status_code == 201
    assert refused.status_code == 400
    assert not world.customers["b"].contacts.filter(name="침입").exists()
