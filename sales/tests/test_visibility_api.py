"""Who sees what through /api/sales/: the rules of sales.querysets, checked per role."""

import pytest
from django.urls import reverse

from sales.services import performance_refresh

pytestmark = pytest.mark.django_db


def names(response, field="name"):
    assert response.status_code == 200, response.content
    return sorted(row[field] for row in response.json()["results"])


def customer_names_seen_by(client):
    return names(client.get(reverse("sales:customer-list")))


def test_rep_sees_only_customers_assigned_to_them_today(world, client_for):
    assert customer_names_seen_by(client_for(world.rep_a)) == ["가나병원"]


def test_rep_sees_sales_records_only_of_their_current_customers(world, client_for):
    response = client_for(world.rep_a).get(reverse("sales:sales-record-list"))
    assert names(response, "customer_name") == ["가나병원"]


def test_rep_sees_interactions_and_contacts_only_of_their_current_customers(world, client_for):
    client = client_for(world.rep_a)
    assert names(client.get(reverse("sales:interaction-list")), "customer_name") == ["가나병원"]
    assert names(client.get(reverse("sales:contact-list"))) == ["가나병원 담당의"]


def test_rep_gets_404_for_another_reps_customer_and_sales_record(world, client_for):
    client = client_for(world.rep_a)
    other = world.customers["b"]
    assert client.get(reverse("sales:customer-detail", args=[other.pk])).status_code == 404
    record = other.sales_records.get()
    assert client.get(reverse("sales:sales-record-detail", args=[record.pk])).status_code == 404
    interaction = other.interactions.get()
    assert client.get(reverse("sales:interaction-detail", args=[interaction.pk])).status_code == 404


def test_rep_sees_own_employee_record_and_own_assignments_only(world, client_for):
    client = client_for(world.rep_a)
    assert names(client.get(reverse("sales:employee-list"))) == ["영업A"]
    assert names(client.get(reverse("sales:assignment-list")), "customer_name") == ["가나병원", "마바의원"]


def test_l3_manager_sees_everything_of_their_department_only(world, client_for):
    client = client_for(world.manager)
    assert customer_names_seen_by(client) == ["가나병원", "다라병원"]
    # records by department employees, including the one on the customer rep A no longer looks after
    assert names(client.get(reverse("sales:sales-record-list")), "customer_name") == ["가나병원", "다라병원", "마바의원"]
    assert names(client.get(reverse("sales:employee-list"))) == ["본부장", "영업A", "영업B"]


def test_manager_of_another_department_cannot_open_cardio_customer(world, client_for):
    from accounts.models import AccessLevel
    from sales.tests.factories import rep_user

    onco_manager, _ = rep_user(department=world.onco, access_level=AccessLevel.L3)
    client = client_for(onco_manager)
    assert customer_names_seen_by(client) == ["사아대학교병원"]
    assert client.get(reverse("sales:customer-detail", args=[world.customers["a"].pk])).status_code == 404


def test_user_without_employee_link_sees_no_sales_data_but_products(world, client_for):
    client = client_for(world.unlinked)
    for name in ["customer", "contact", "employee", "assignment", "interaction", "sales-record", "performance"]:
        response = client.get(reverse(f"sales:{name}-list"))
        assert response.status_code == 200
        assert response.json()["count"] == 0, name
    assert client.get(reverse("sales:product-list")).json()["count"] == 4  # one per sales record


def test_superuser_sees_every_customer(world, client_for):
    assert customer_names_seen_by(client_for(world.superuser)) == ["가나병원", "다라병원", "마바의원", "사아대학교병원"]


def test_monthly_performance_is_scoped_like_customers(world, client_for):
    performance_refresh(concurrently=False)
    response = client_for(world.rep_a).get(reverse("sales:performance-list"))
    assert names(response, "customer_name") == ["가나병원"]
    row = response.json()["results"][0]
    assert row["sales_count"] == 1 and row["interaction_count"] == 1


def test_anonymous_request_is_refused(world, api_client):
    response = api_client.get(reverse("sales:customer-list"))
    assert response.status_code in (401, 403)


def test_deactivated_employee_link_hides_sales_data(world, client_for):
    world.emp_a.is_active = False
    world.emp_a.save()
    assert customer_names_seen_by(client_for(world.rep_a)) == []


def test_filters_narrow_sales_records(world, client_for):
    import datetime

    from django.utils import timezone

    client = client_for(world.manager)
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = client.get(reverse("sales:sales-record-list"), {"date_from": since, "employee": world.emp_b.pk})
    assert names(response, "customer_name") == ["다라병원"]
    response = client.get(reverse("sales:sales-record-list"), {"department": "ONCO"})
    assert names(response, "customer_name") == []


def test_csv_download_contains_only_visible_filtered_records(world, client_for):
    response = client_for(world.rep_a).get(reverse("sales:sales-record-export-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("판매일,사번")
    assert len(lines) == 2 and "가나병원" in lines[1]
