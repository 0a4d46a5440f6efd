"""The staff personas (groups from a migration) can each log into the admin and do their part, no more."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from documents.models import ApprovalState
from documents.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_migration_creates_the_three_persona_groups_with_their_permissions():
    permissions = {name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
                   for name in ("문서 관리자", "영업 관리자", "제품 담당")}

    assert {"manage_documents", "add_document", "change_document", "delete_document"} <= permissions["문서 관리자"]
    assert {"view_salesrecord", "view_interaction", "change_assignment", "view_searchquery"} <= permissions["영업 관리자"]
    assert "change_salesrecord" not in permissions["영업 관리자"]
    assert {"change_drugsynonymgroup", "change_product", "add_document"} <= permissions["제품 담당"]
    assert "manage_documents" not in permissions["제품 담당"]


def test_librarian_sees_documents_of_every_level_and_department_and_what_waits(client, personas):
    DocumentFactory(title="L3 항암 전략", access_level=3, department=personas.onco)
    DocumentFactory(title="영업사원 초안", approval_state=ApprovalState.PENDING, uploaded_by=personas.rep)

    page = login(client, personas.librarian).get(reverse("admin:documents_document_changelist")).content.decode()

    assert "L3 항암 전략" in page and "영업사원 초안" in page
    assert "선택한 문서 승인" in page and "선택한 문서 반려" in page


def test_manager_reads_only_their_departments_sales_data(client, personas):
    client = login(client, personas.manager)

    sales = client.get(reverse("admin:sales_salesrecord_changelist"))
    activity = client.get(reverse("admin:sales_interaction_changelist"))
    dashboard = client.get(reverse("admin:search_dashboard"))

    assert sales.status_code == 200 and "한빛대학교병원" in sales.content.decode()
    assert "항암전문병원" not in sales.content.decode()
    assert "한빛대학교병원" in activity.content.decode() and "항암전문병원" not in activity.content.decode()
    assert dashboard.status_code == 200


def test_manager_cannot_edit_sales_records_that_belong_to_imports(client, personas):
    client = login(client, personas.manager)

    change = client.get(reverse("admin:sales_salesrecord_change", args=[personas.cardio_sale.pk]))
    add = client.get(reverse("admin:sales_salesrecord_add"))

    assert change.status_code == 200 and 'name="quantity"' not in change.content.decode()
    assert add.status_code == 403


def test_product_manager_edits_synonyms_and_products_but_sees_no_sales_or_users(client, personas):
    client = login(client, personas.pm)

    assert client.get(reverse("admin:search_drugsynonymgroup_add")).status_code == 200
    assert client.get(reverse("admin:sales_product_change", args=[personas.product.pk])).status_code == 200
    assert client.get(reverse("admin:documents_document_add")).status_code == 200
    assert client.get(reverse("admin:sales_salesrecord_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_product_manager_cannot_approve_documents(client, personas):
    page = login(client, personas.pm).get(reverse("admin:documents_document_changelist")).content.decode()

    assert "선택한 문서 승인" not in page


def test_each_persona_admin_index_lists_only_its_apps(client, personas):
    librarian = login(client, personas.librarian).get(reverse("admin:index")).content.decode()
    manager = login(client, personas.manager).get(reverse("admin:index")).content.decode()

    assert "/admin/documents/document/" in librarian and "/admin/sales/salesrecord/" not in librarian
    assert "/admin/sales/salesrecord/" in manager and "/admin/accounts/user/" not in manager


def test_seed_demo_puts_the_demo_logins_in_their_personas():
    from accounts.demo import demo_user

    librarian = demo_user(email="librarian@demo.pharma.kr", name="이사서", department=None, access_level=3)
    again = demo_user(email="librarian@demo.pharma.kr", name="이사서", department=None, access_level=3)

    assert librarian.pk == again.pk and librarian.is_staff
    assert list(librarian.groups.values_list("name", flat=True)) == ["문서 관리자"]
