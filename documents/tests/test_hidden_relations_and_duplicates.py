"""A 409 for duplicate bytes names the existing document only to those who may open it; document detail lists
only the linked sales objects the caller may see."""

import pytest

from accounts.models import AccessLevel
from accounts.tests.factories import DepartmentFactory, UserFactory
from documents.models import Document
from documents.tests.factories import DocumentFactory, document_manager
from sales.tests.factories import AssignmentFactory, CustomerFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

SECRET_BYTES = "기밀 임상 결과 요약: 신약 X의 3상 중간 결과".encode()


def test_duplicate_of_a_hidden_l3_document_answers_409_without_naming_it(upload):
    cardio = DepartmentFactory(code="CARDIO", name="순환기사업부")
    hidden = upload(document_manager(department=cardio, access_level=3), "기밀.txt", SECRET_BYTES,
                    title="기밀 3상 결과", access_level=3).json()

    response = upload(UserFactory(department=cardio, access_level=AccessLevel.L1), "내 메모.txt", SECRET_BYTES)

    assert response.status_code == 409
    body = response.json()
    assert "existing" not in body
    assert "기밀 3상 결과" not in response.content.decode() and hidden["id"] not in response.content.decode()
    assert "이미 등록되어" in body["detail"]
    assert Document.objects.count() == 1


def test_duplicate_of_someone_elses_pending_upload_is_neutral_but_the_uploader_is_told_which(upload):
    department = DepartmentFactory()
    first_uploader = UserFactory(department=department)
    first = upload(first_uploader, "초안.txt", SECRET_BYTES, title="검토 대기 초안").json()
    assert first["approval_state"] == "pending"

    colleague = upload(UserFactory(department=department), "같은.txt", SECRET_BYTES)
    again = upload(first_uploader, "같은.txt", SECRET_BYTES)

    assert colleague.status_code == again.status_code == 409
    assert "existing" not in colleague.json()
    assert again.json()["existing"] == {"id": first["id"], "title": "검토 대기 초안"}
    assert Document.objects.count() == 1


def test_document_detail_lists_only_linked_customers_the_caller_may_see(client_for):
    rep = UserFactory()
    mine = AssignmentFactory(employee=EmployeeFactory(user=rep, department=rep.department)).customer
    someone_elses = CustomerFactory()
    document = DocumentFactory()
    document.customers.set([mine, someone_elses])

    detail = client_for(rep).get(f"/api/documents/{document.pk}/").json()
    listed = client_for(rep).get("/api/documents/").json()["results"]
    everything = client_for(document_manager()).get(f"/api/documents/{document.pk}/").json()

    assert detail["customers"] == [mine.pk]
    assert [row["customers"] for row in listed] == [[mine.pk]]
    assert everything["customers"] == []  # a document manager without a sales link sees no customers
