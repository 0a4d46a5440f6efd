"""The admin shows non-superusers exactly what visible_to gives them, and the customer page draws its chart."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from sales.services import performance_refresh
from sales.tests.factories import SalesRecordFactory

pytestmark = pytest.mark.django_db


def staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="sales", codename__in=codenames))
    return user


@pytest.fixture
def admin_client_for(client):
    def make(user):
        client.force_login(user)
        return client

    return make


def test_staff_rep_changelist_shows_only_their_customers(world, admin_client_for):
    client = admin_client_for(staff(world.rep_a, "view_customer"))
    response = client.get(reverse("admin:sales_customer_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "가나병원" in body
    assert "다라병원" not in body and "마바의원" not in body


def test_staff_rep_cannot_open_another_reps_customer(world, admin_client_for):
    client = admin_client_for(staff(world.rep_a, "view_customer"))
    response = client.get(reverse("admin:sales_customer_change", args=[world.customers["b"].pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect to its index
    assert response["Location"] == reverse("admin:index")


def test_manager_sales_record_changelist_is_limited_to_department(world, admin_client_for):
    client = admin_client_for(staff(world.manager, "view_salesrecord"))
    response = client.get(reverse("admin:sales_salesrecord_changelist"))
    body = response.content.decode()
    assert "가나병원" in body and "다라병원" in body
    assert "사아대학교병원" not in body


def test_staff_without_employee_link_sees_an_empty_changelist(world, admin_client_for):
    client = admin_client_for(staff(world.unlinked, "view_salesrecord"))
    response = client.get(reverse("admin:sales_salesrecord_changelist"))
    assert response.status_code == 200
    assert "가나병원" not in response.content.decode()


def test_rep_without_add_permission_cannot_import(world, admin_client_for):
    client = admin_client_for(staff(world.rep_a, "view_salesrecord"))
    assert client.get(reverse("admin:sales_salesrecord_import")).status_code == 403


def test_customer_page_draws_twelve_months_with_recent_sales(world, admin_client_for):
    customer = world.customers["a"]
    SalesRecordFactory(customer=customer, employee=world.emp_a, quantity=100,
                       sale_date=timezone.localdate() - datetime.timedelta(days=70))
    performance_refresh()
    client = admin_client_for(world.superuser)
    response = client.get(reverse("admin:sales_customer_change", args=[customer.pk]))
    body = response.content.decode()
    start = body.index('<svg role="img"')
    chart = body[start:body.index("</svg>", start)]
    bars = re.findall(r'<rect [^>]*height="([0-9.]+)"', chart)
    assert len(bars) == 12
    assert sum(float(h) > 0 for h in bars) >= 1
    assert "<script" not in chart
    assert "가나병원 담당의" in body  # contacts inline
    assert "가나병원 방문" in body  # recent interactions inline


def test_sales_record_changelist_queries_do_not_grow_with_rows(world, admin_client_for,
                                                                 django_assert_max_num_queries):
    client = admin_client_for(world.superuser)
    client.get(reverse("admin:sales_salesrecord_changelist"))  # warm the session and content types
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("admin:sales_salesrecord_changelist"))
    for _ in range(30):
        SalesRecordFactory(customer=world.customers["a"], employee=world.emp_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("admin:sales_salesrecord_changelist"))
    assert response.status_code == 200


def test_sales_record_search_matches_customer_name_or_product_code(world, admin_client_for):
    client = admin_client_for(world.superuser)
    body = client.get(reverse("admin:sales_salesrecord_changelist"), {"q": "가나"}).content.decode()
    assert "가나병원" in body and "다라병원" not in body
    product = world.customers["b"].sales_records.get().product
    body = client.get(reverse("admin:sales_salesrecord_changelist"), {"q": product.code}).content.decode()
    assert "다라병원" in body and "가나병원" not in body


def test_staff_rep_cannot_log_an_interaction_for_someone_elses_customer_in_the_admin(world, admin_client_for):
    client = admin_client_for(staff(world.rep_a, "view_interaction", "add_interaction"))
    now = timezone.localtime()
    form = {"employee": world.emp_a.pk, "interaction_type": "visit", "occurred_at_0": now.strftime("%Y-%m-%d"),
            "occurred_at_1": now.strftime("%H:%M:%S"), "summary": "방문", "next_action": ""}
    refused = client.post(reverse("admin:sales_interaction_add"), {**form, "customer": world.customers["b"].pk})
    assert refused.status_code == 200  # the form again, with an error on the customer field
    assert not world.customers["b"].interactions.filter(employee=world.emp_a).exists()
    accepted = client.post(reverse("admin:sales_interaction_add"), {**form, "customer": world.customers["a"].pk})
    assert accepted.status_code == 302
    assert world.customers["a"].interactions.filter(employee=world.emp_a, summary="방문").exists()


def test_only_superusers_may_refresh_the_monthly_view_from_the_admin(world, admin_client_for):
    def actions_offered_to(user):
        response = admin_client_for(user).get(reverse("admin:sales_customermonthlyperformance_changelist"))
        assert response.status_code == 200
        form = response.context.get("action_form")
        return [value for value, _ in form.fields["action"].choices] if form else []

    assert "refresh" not in actions_offered_to(staff(world.manager, "view_customermonthlyperformance"))
    assert "refresh" in actions_offered_to(world.superuser)


def test_admin_computes_the_amount_of_a_keyed_in_sale(world, admin_client_for):
    customer, product = world.customers["a"], world.customers["a"].sales_records.get().product
    response = admin_client_for(world.superuser).post(reverse("admin:sales_salesrecord_add"), {
        "sale_date": "2025-05-02", "employee": world.emp_a.pk, "customer": customer.pk, "product": product.pk,
        "quantity": "7", "unit_price": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = customer.sales_records.get(sale_date="2025-05-02")
    assert record.unit_price == product.unit_price
    assert record.amount == product.unit_price * 7


def test_admin_import_with_a_bad_row_shows_the_row_and_writes_nothing(world, admin_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sales.models import SalesRecord

    product = world.customers["a"].sales_records.get().product
    csv_text = ("sale_date,employee_no,customer_code,product_code,quantity,unit_price,amount\n"
                f"2025-05-02,{world.emp_a.employee_no},{world.customers['a'].code},{product.code},2,500,1000\n"
                f"2025-05-03,{world.emp_a.employee_no},{world.customers['a'].code},{product.code},2,500,999\n")
    before = SalesRecord.objects.count()
    response = admin_client_for(world.superuser).post(reverse("admin:sales_salesrecord_import"), {
        "format": "0", "resource": "0",
        "import_file": SimpleUploadedFile("sales.csv", csv_text.encode(), content_type="text/csv")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "유효성 검증에 실패한 행이 있습니다" in body  # django-import-export's "fix the rows and upload again"
    assert "금액은 수량 × 단가와 같아야 합니다." in body
    assert "process_import" not in body  # no confirm step is offered
    assert SalesRecord.objects.count() == before


@pytest.mark.parametrize("model", ["employee", "customer", "contact", "product", "assignment", "interaction",
                                   "salesrecord", "customermonthlyperformance"])
def test_every_sales_admin_page_opens_for_a_superuser(world, admin_client_for, model):
    client = admin_client_for(world.superuser)
    performance_refresh()
    assert client.get(reverse(f"admin:sales_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:sales_{model}_changelist"), {"q": "가나"}).status_code == 200
    if model != "customermonthlyperformance":
        assert client.get(reverse(f"admin:sales_{model}_add")).status_code == 200


def test_customer_form_accepts_a_hyphenated_registration_number_and_checks_its_digit(world, admin_client_for):
    client = admin_client_for(world.superuser)
    form = {"code": "C77777", "name": "하이픈약국", "customer_type": "약국", "region": "서울", "is_active": "on",
            **{f"{prefix}-{key}": value for prefix in ("contacts", "assignments", "interactions")
               for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()}}
    refused = client.post(reverse("admin:sales_customer_add"), {**form, "business_registration_number": "220-81-62518"})
    assert refused.status_code == 200
    assert "검증 번호" in refused.content.decode()
    accepted = client.post(reverse("admin:sales_customer_add"), {**form, "business_registration_number": "220-81-62517"})
    assert accepted.status_code == 302, accepted.content.decode()[-1500:]
    from sales.models import Customer

    assert Customer.objects.get(code="C77777").business_registration_number == "2208162517"
