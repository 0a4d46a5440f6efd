"""Customers shared by departments, and who may assign whom to what (README "Who sees what")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLevel
from sales.models import Assignment
from sales.services import performance_refresh
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    SalesRecordFactory,
    rep_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):
    """한빛대학교병원 is served by CARDIO rep A and the ONCO rep; each department logged one visit and one sale."""
    hospital = CustomerFactory(name="한빛대학교병원")
    AssignmentFactory(employee=world.emp_a, customer=hospital)
    AssignmentFactory(employee=world.emp_onco, customer=hospital)
    ContactFactory(customer=hospital, name="공동 약제부장")
    InteractionFactory(employee=world.emp_a, customer=hospital, summary="순환기 방문")
    InteractionFactory(employee=world.emp_onco, customer=hospital, summary="항암 방문")
    SalesRecordFactory(employee=world.emp_a, customer=hospital, sale_date=timezone.localdate())
    SalesRecordFactory(employee=world.emp_onco, customer=hospital, sale_date=timezone.localdate())
    performance_refresh(concurrently=False)
    world.hospital = hospital
    return world


def _assign(client, employee_id, customer_id):
    payload = {"employee": employee_id, "customer": customer_id, "start_date": timezone.localdate().isoformat()}
    return client.post(reverse("sales:assignment-list"), payload, format="json")


def test_manager_assigning_a_customer_only_another_department_serves_answers_like_a_nonexistent_id(world,
                                                                                                  client_for):
    client = client_for(world.manager)
    hidden = _assign(client, world.emp_b.pk, world.customers["onco"].pk)
    missing = _assign(client, world.emp_b.pk, 987654321)
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()
    assert "거래처를 찾을 수 없습니다" in hidden.json()["customer"][0]
    assert not Assignment.objects.filter(customer=world.customers["onco"], employee=world.emp_b).exists()


def test_manager_cannot_reopen_a_customer_the_department_no_longer_serves(world, client_for):
    response = _assign(client_for(world.manager), world.emp_b.pk, world.customers["old"].pk)
    assert response.status_code == 400
    assert not Assignment.objects.filter(customer=world.customers["old"], employee=world.emp_b).exists()


def test_manager_cannot_assign_an_employee_of_another_department(world, client_for):
    client = client_for(world.manager)
    other = _assign(client, world.emp_onco.pk, world.customers["a"].pk)
    missing = _assign(client, 987654321, world.customers["a"].pk)
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    assert not Assignment.objects.filter(customer=world.customers["a"], employee=world.emp_onco).exists()


def test_manager_cannot_assign_a_report_who_works_in_another_department(world, client_for):
    world.emp_onco.manager = world.emp_manager
    world.emp_onco.save()
    response = _assign(client_for(world.manager), world.emp_onco.pk, world.customers["a"].pk)
    assert response.status_code == 400
    assert "직원을 찾을 수 없습니다" in response.json()["employee"][0]


def test_rep_is_refused_before_any_id_is_looked_up(world, client_for):
    client = client_for(world.rep_a)
    existing = _assign(client, world.emp_a.pk, world.customers["onco"].pk)
    missing = _assign(client, world.emp_a.pk, 987654321)
    assert existing.status_code == missing.status_code == 403
    assert existing.json() == missing.json()


def test_superuser_opens_a_customer_to_a_new_department(world, client_for):
    response = _assign(client_for(world.superuser), world.emp_b.pk, world.customers["onco"].pk)
    assert response.status_code == 201, response.content
    assert customer_names(client_for(world.rep_b)) == ["다라병원", "사아대학교병원"]


def test_rep_assigned_to_another_departments_customer_does_not_see_that_departments_visits(world, client_for):
    """Even once operations assign a CARDIO rep to an ONCO customer, the ONCO department's visits stay ONCO's."""
    AssignmentFactory(employee=world.emp_b, customer=world.customers["onco"])
    response = client_for(world.rep_b).get(reverse("sales:interaction-list"), {"customer": world.customers["onco"].pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def customer_names(client):
    return sorted(row["name"] for row in client.get(reverse("sales:customer-list")).json()["results"])


def summaries(client, customer):
    response = client.get(reverse("sales:interaction-list"), {"customer": customer.pk})
    assert response.status_code == 200
    return sorted(row["summary"] for row in response.json()["results"])


def test_shared_customer_master_record_and_contacts_are_seen_by_both_departments(shared, client_for):
    for user in (shared.rep_a, shared.onco_rep):
        client = client_for(user)
        assert client.get(reverse("sales:customer-detail", args=[shared.hospital.pk])).status_code == 200
        contacts = client.get(reverse("sales:contact-list"), {"customer": shared.hospital.pk}).json()["results"]
        assert [row["name"] for row in contacts] == ["공동 약제부장"]


def test_interactions_of_a_shared_customer_are_seen_only_by_the_department_that_logged_them(shared, client_for):
    assert summaries(client_for(shared.rep_a), shared.hospital) == ["순환기 방문"]
    assert summaries(client_for(shared.onco_rep), shared.hospital) == ["항암 방문"]
    assert summaries(client_for(shared.manager), shared.hospital) == ["순환기 방문"]
    assert summaries(client_for(shared.superuser), shared.hospital) == ["순환기 방문", "항암 방문"]


def test_other_departments_interaction_on_a_shared_customer_is_404(shared, client_for):
    onco_visit = shared.hospital.interactions.get(summary="항암 방문")
    response = client_for(shared.rep_a).get(reverse("sales:interaction-detail", args=[onco_visit.pk]))
    assert response.status_code == 404


def test_sales_records_and_csv_of_a_shared_customer_hold_only_the_callers_department(shared, client_for):
    client = client_for(shared.rep_a)
    records = client.get(reverse("sales:sales-record-list"), {"customer": shared.hospital.pk}).json()["results"]
    assert [row["employee_name"] for row in records] == ["영업A"]
    csv_text = b"".join(client.get(reverse("sales:sales-record-export-csv"),
                                   {"customer": shared.hospital.pk}).streaming_content).decode("utf-8-sig")
    assert "영업A" in csv_text and "항암영업" not in csv_text


def test_monthly_figures_of_a_shared_customer_are_per_department(shared, client_for):
    rows = client_for(shared.onco_rep).get(reverse("sales:performance-list"),
                                          {"customer": shared.hospital.pk}).json()["results"]
    onco_record = shared.hospital.sales_records.get(employee=shared.emp_onco)
    assert [(row["department_code"], row["total_amount"], row["interaction_count"]) for row in rows] == [
        ("ONCO", f"{onco_record.amount:.2f}", 1)]
    everything = client_for(shared.superuser).get(reverse("sales:performance-list"),
                                                  {"customer": shared.hospital.pk}).json()["results"]
    assert sorted(row["department_code"] for row in everything) == ["CARDIO", "ONCO"]


def test_briefing_of_a_shared_customer_shows_only_the_callers_departments_visits_and_sales(shared, client_for):
    response = client_for(shared.onco_rep).get(reverse("chat:briefing"), {"customer": shared.hospital.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["summary"] for row in body["recent_interactions"]] == ["항암 방문"]
    onco_record = shared.hospital.sales_records.get(employee=shared.emp_onco)
    assert [entry["total_amount"] for entry in body["sales_by_product"]] == [f"{onco_record.amount:.2f}"]


def test_chat_crm_facts_of_a_shared_customer_come_only_from_the_callers_department(shared):
    from chat.crm import crm_question, question_facts

    asked = crm_question(user=shared.onco_rep, text="한빛대학교병원 최근 활동 알려줘")
    facts, _empty = question_facts(user=shared.onco_rep, asked=asked)
    texts = " ".join(fact["text"] for fact in facts)
    assert "항암 방문" in texts and "순환기 방문" not in texts


def test_manager_of_one_department_sees_own_departments_activity_on_shared_customer_only(shared, client_for):
    onco_manager, _ = rep_user(department=shared.onco, access_level=AccessLevel.L3, name="항암본부장")
    client = client_for(onco_manager)
    assert summaries(client, shared.hospital) == ["항암 방문"]
    records = client.get(reverse("sales:sales-record-list"), {"customer": shared.hospital.pk}).json()["results"]
    assert [row["employee_name"] for row in records] == ["항암영업"]


def test_ended_assignment_hides_the_customer_again(shared, client_for):
    Assignment.objects.filter(employee=shared.emp_onco, customer=shared.hospital).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1), start_date=timezone.localdate()
        - datetime.timedelta(days=30))
    client = client_for(shared.onco_rep)
    assert client.get(reverse("sales:customer-detail", args=[shared.hospital.pk])).status_code == 404
    assert summaries(client, shared.hospital) == []


def test_admin_chart_figures_of_a_shared_customer_sum_only_the_viewers_department(shared):
    from accounts.tests.factories import SuperUserFactory
    from sales.selectors import customer_monthly_figures

    onco_record = shared.hospital.sales_records.get(employee=shared.emp_onco)
    onco_total = sum(f.total_amount for f in customer_monthly_figures(customer=shared.hospital,
                                                                      viewer=shared.onco_rep))
    everything = sum(f.total_amount for f in customer_monthly_figures(customer=shared.hospital,
                                                                      viewer=SuperUserFactory()))
    assert onco_total == onco_record.amount
    assert everything == sum(r.amount for r in shared.hospital.sales_records.all())


def test_performance_admin_lists_one_row_per_department_for_a_superuser(shared, client):
    from accounts.tests.factories import SuperUserFactory

    client.force_login(SuperUserFactory())
    response = client.get("/admin/sales/customermonthlyperformance/", {"q": "한빛대학교병원"})
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert sorted(row.department.code for row in rows) == ["CARDIO", "ONCO"]
