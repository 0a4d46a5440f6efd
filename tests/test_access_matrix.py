"""The access matrix: every endpoint of the OpenAPI schema × 13 personas × objects of each kind.

What each persona should get is computed by the small oracle below, written from the documented rules
(README "Who sees what"), never by calling `visible_to`. One world is built per module (one transaction,
rolled back at the end); every case runs in its own savepoint. Personas log in through the session
(Django's login backend, the same one the admin uses), so pending and rejected accounts are refused the way
the product refuses them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import AccessLevel, ApprovalStatus
from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from chat.services import exchange_store, session_create
from documents.models import ApprovalState
from documents.tests.factories import make_indexed_document
from sales.services import performance_refresh
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    CustomerFactory,
    EmployeeFactory,
    InteractionFactory,
    ProductFactory,
    SalesRecordFactory,
)
from search.tests.factories import SearchQueryFactory, SearchResponseFactory

pytestmark = pytest.mark.django_db

# --- The world, as data (cases are generated from it at collection time) ------------------------------------

PERSONAS = ["anonymous", "pending", "rejected", "cardio_l1", "cardio_l2", "cardio_l3", "onco_l1", "onco_l2",
            "onco_l3", "uploader", "librarian", "sales_manager", "superuser"]
REFUSED = ["anonymous", "pending", "rejected"]
APPROVED = [p for p in PERSONAS if p not in REFUSED]


@dataclass(frozen=True)
class PersonaSpec:
    department: str | None = None
    level: int = 1
    superuser: bool = False
    librarian: bool = False  # document manager (documents.manage_documents)
    employee: str | None = None  # key of the linked employee
    staff_permissions: tuple = ()


PERSONA_SPECS = {
    "cardio_l1": PersonaSpec("CARDIO", 1, employee="cardio_rep"),
    # cardio_l2 audits search and chat logs in the admin
    "cardio_l2": PersonaSpec("CARDIO", 2, staff_permissions=(
        "search.view_searchquery", "search.view_searchresponse", "search.view_userfeedback",
        "search.view_lexiconterm", "chat.view_chatsession", "chat.view_chatmessage", "core.view_tracelog")),
    "cardio_l3": PersonaSpec("CARDIO", 3),
    "onco_l1": PersonaSpec("ONCO", 1, employee="onco_rep"),
    "onco_l2": PersonaSpec("ONCO", 2),
    "onco_l3": PersonaSpec("ONCO", 3),
    "uploader": PersonaSpec("CARDIO", 1),
    "librarian": PersonaSpec("ONCO", 1, librarian=True, staff_permissions=(
        "documents.view_document", "documents.change_document", "documents.manage_documents")),
    "sales_manager": PersonaSpec("CARDIO", 3, employee="cardio_manager", staff_permissions=(
        "sales.view_customer", "sales.view_contact", "sales.view_interaction", "sales.view_salesrecord",
        "sales.view_assignment", "sales.view_employee", "sales.view_customermonthlyperformance")),
    "superuser": PersonaSpec(None, 3, superuser=True),
}


@dataclass(frozen=True)
class DocSpec:
    level: int
    department: str | None
    state: str = ApprovalState.APPROVED
    expired: bool = False
    uploader: str | None = None


DOCS = {}
for _level in (1, 2, 3):
    for _dept in (None, "CARDIO", "ONCO"):
        DOCS[f"D{len(DOCS) + 1:02d}"] = DocSpec(_level, _dept)
DOCS.update({
    "D10": DocSpec(1, None, ApprovalState.DRAFT, uploader="uploader"),
    "D11": DocSpec(1, "CARDIO", ApprovalState.PENDING, uploader="uploader"),
    "D12": DocSpec(1, None, ApprovalState.RETURNED, uploader="uploader"),
    "D13": DocSpec(1, None, expired=True),
    "D14": DocSpec(1, "ONCO", uploader="uploader"),
    "D15": DocSpec(3, "CARDIO", ApprovalState.EXPIRED),
})

# employee key -> (department, manager employee key)
EMPLOYEES = {
    "cardio_rep": ("CARDIO", "cardio_manager"),
    "cardio_manager": ("CARDIO", None),
    "cardio_other": ("CARDIO", None),
    "onco_rep": ("ONCO", None),
    "onco_other": ("ONCO", None),
    "cardio_spare": ("CARDIO", None),  # no customers yet: the one new assignments are made for
}
CUSTOMERS = ["shared", "cardio_rep_only", "cardio_other_only", "onco_only", "orphan", "ended"]
# assignment key -> (employee, customer, current)
ASSIGNMENTS = {
    "A1": ("cardio_rep", "shared", True),
    "A2": ("onco_rep", "shared", True),
    "A3": ("cardio_rep", "cardio_rep_only", True),
    "A4": ("cardio_other", "cardio_other_only", True),
    "A5": ("onco_rep", "onco_only", True),
    "A6": ("cardio_rep", "ended", False),
}
# activity key -> (employee, customer): one interaction and one sales record each
ACTIVITY = {
    "R1": ("cardio_rep", "shared"),
    "R2": ("onco_rep", "shared"),
    "R3": ("cardio_rep", "cardio_rep_only"),
    "R4": ("cardio_other", "cardio_other_only"),
    "R5": ("onco_rep", "onco_only"),
    "R6": ("cardio_rep", "ended"),
    "R7": ("onco_other", "orphan"),
}
PERFORMANCE = sorted({(customer, EMPLOYEES[employee][0]) for employee, customer in ACTIVITY.values()})
CONVERSATION_OWNERS = ["cardio_l1", "onco_l1", "uploader", "sales_manager", "superuser"]


# --- The oracle: the documented rules, written out ----------------------------------------------------------

def spec(persona):
    return PERSONA_SPECS[persona]


def sees_document(persona, key):
    p, d = spec(persona), DOCS[key]
    if p.superuser or p.librarian:
        return True
    if d.uploader == persona:
        return True
    published = d.state == ApprovalState.APPROVED and not d.expired
    return published and d.level <= p.level and d.department in (None, p.department)


def searches_document(persona, key):
    d = DOCS[key]
    return sees_document(persona, key) and d.state == ApprovalState.APPROVED and not d.expired


def manages(persona):
    p = spec(persona)
    return p.employee is not None and p.level >= 3


def employee_department(employee):
    return EMPLOYEES[employee][0]


def sees_customer(persona, customer):
    p = spec(persona)
    if p.superuser:
        return True
    if p.employee is None:
        return False
    return any(current and customer == c and (e == p.employee or manages(persona) and
                                              employee_department(e) == p.department)
               for e, c, current in ASSIGNMENTS.values())


def sees_activity(persona, key):
    """Interactions and sales records belong to the department that produced them."""
    p = spec(persona)
    employee, customer = ACTIVITY[key]
    if p.superuser:
        return True
    if p.employee is None or employee_department(employee) != p.department:
        return False
    return manages(persona) or sees_customer(persona, customer)


def sees_performance(persona, row):
    p = spec(persona)
    customer, department = row
    if p.superuser:
        return True
    if p.employee is None or department != p.department:
        return False
    return manages(persona) or sees_customer(persona, customer)


def sees_employee(persona, employee):
    p = spec(persona)
    if p.superuser:
        return True
    if p.employee is None:
        return False
    return (employee == p.employee or EMPLOYEES[employee][1] == p.employee
            or manages(persona) and employee_department(employee) == p.department)


def sees_assignment(persona, key):
    p = spec(persona)
    employee = ASSIGNMENTS[key][0]
    if p.superuser:
        return True
    if p.employee is None:
        return False
    return employee == p.employee or manages(persona) and employee_department(employee) == p.department


def may_assign_to(persona, customer):
    if spec(persona).superuser:
        return True
    if not manages(persona):
        return False
    return any(current and c == customer and employee_department(e) == spec(persona).department
               for e, c, current in ASSIGNMENTS.values())


def audits(viewer, owner):
    """Admin search/chat logs: superusers all; auditors their own department at or below their level."""
    v, o = spec(viewer), spec(owner)
    if v.superuser:
        return True
    return viewer == owner or (o.department == v.department and o.level <= v.level and not o.superuser)


# --- Building the world --------------------------------------------------------------------------------------

@dataclass
class World:
    users: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    employees: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    assignments: dict = field(default_factory=dict)
    interactions: dict = field(default_factory=dict)
    sales_records: dict = field(default_factory=dict)
    performance: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    queries: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)

    def client(self, persona) -> APIClient:
        return self.clients[persona]

    def log_everyone_in(self):
        """Sessions are made with the world (inside its transaction), not inside one case's savepoint."""
        for persona in PERSONAS:
            client = APIClient()
            if persona != "anonymous":
                client.force_login(self.users[persona])
            self.clients[persona] = client


def _build_world() -> World:
    w = World()
    w.departments = {code: DepartmentFactory(code=code, name=f"{code} 사업부") for code in ("CARDIO", "ONCO")}
    w.users["pending"] = UserFactory(department=w.departments["CARDIO"], approval_status=ApprovalStatus.PENDING)
    w.users["rejected"] = UserFactory(department=w.departments["CARDIO"], approval_status=ApprovalStatus.REJECTED)
    for persona, p in PERSONA_SPECS.items():
        factory = SuperUserFactory if p.superuser else UserFactory
        user = factory(department=w.departments.get(p.department), access_level=p.level, name=f"인물-{persona}",
                       is_staff=p.superuser or bool(p.staff_permissions))
        for dotted in p.staff_permissions:
            app_label, codename = dotted.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        w.users[persona] = user

    now = timezone.now()
    for key, d in DOCS.items():
        w.documents[key] = make_indexed_document(
            [f"리피토 복약 안내 자료입니다. 자료 번호 {key} 문서의 본문입니다."],
            title=f"[{key}] 리피토 안내", access_level=d.level, department=w.departments.get(d.department),
            approval_state=d.state, valid_until=now - datetime.timedelta(days=1) if d.expired else None,
            uploaded_by=w.users[d.uploader] if d.uploader else None)

    owners = {p.employee: w.users[persona] for persona, p in PERSONA_SPECS.items() if p.employee}
    for key, (department, _manager) in EMPLOYEES.items():
        w.employees[key] = EmployeeFactory(department=w.departments[department], user=owners.get(key),
                                           name=f"직원-{key}")
    for key, (_department, manager) in EMPLOYEES.items():
        if manager:
            w.employees[key].manager = w.employees[manager]
            w.employees[key].save()
    for n, key in enumerate(CUSTOMERS):
        w.customers[key] = CustomerFactory(name=f"거래처-{key}", code=f"MX{n:03d}")
        w.contacts[key] = ContactFactory(customer=w.customers[key], name=f"담당자-{key}")
    today = timezone.localdate()
    for key, (employee, customer, current) in ASSIGNMENTS.items():
        ended = {} if current else {"start_date": today - datetime.timedelta(days=60),
                                    "end_date": today - datetime.timedelta(days=10)}
        w.assignments[key] = AssignmentFactory(employee=w.employees[employee], customer=w.customers[customer],
                                               **ended)
    product = ProductFactory(name="리피토정")
    for key, (employee, customer) in ACTIVITY.items():
        w.interactions[key] = InteractionFactory(employee=w.employees[employee], customer=w.customers[customer],
                                                 summary=f"활동기록 {key} 방문")
        w.sales_records[key] = SalesRecordFactory(employee=w.employees[employee], customer=w.customers[customer],
                                                  product=product, sale_date=today)
    performance_refresh(concurrently=False)
    for customer, department in PERFORMANCE:
        w.performance[(customer, department)] = (f"{w.customers[customer].pk}:{w.departments[department].pk}:"
                                                 f"{today:%Y-%m}")

    every_source = [{"n": n, "document_id": str(doc.pk), "title": doc.title}
                    for n, doc in enumerate(w.documents.values(), start=1)]
    for owner in CONVERSATION_OWNERS:
        session = session_create(owner=w.users[owner], title=f"대화-{owner}")
        _question, answer = exchange_store(session=session, question=f"질문-{owner}", search_query="리피토",
                                           answer=f"답변-{owner} [1]", sources=every_source,
                                           request_id=f"req-{owner}", provider="extractive", model="",
                                           latency_ms=1)
        w.sessions[owner], w.answers[owner] = session, answer
        w.queries[owner] = SearchResponseFactory(
            query=SearchQueryFactory(user=w.users[owner], text=f"검색질의-{owner}"), sources=every_source).query
    w.log_everyone_in()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = _build_world()
            yield built
            transaction.set_rollback(True)


# --- Helpers -------------------------------------------------------------------------------------------------

def get_all(client, url, params=None):
    """Every row of a paginated list (follows `next`)."""
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.json()
    rows = list(body["results"])
    while body.get("next"):
        body = client.get(body["next"]).json()
        rows += body["results"]
    assert body["count"] == len(rows)
    return rows


def keys_of(objects: dict, ids) -> set:
    ids = {str(i) for i in ids}
    return {key for key, obj in objects.items() if str(getattr(obj, "pk", obj)) in ids}


def hidden_document_markers(world, persona, test=sees_document):
    return {key: str(world.documents[key].pk) for key in DOCS if not test(persona, key)}


def assert_no_hidden_document(world, persona, text, test=searches_document):
    for key, pk in hidden_document_markers(world, persona, test).items():
        assert f"[{key}]" not in text and f"번호 {key} " not in text and pk not in text, (persona, key)


# --- The schema: every endpoint ------------------------------------------------------------------------------

def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((path, method.upper()) for path, operations in schema["paths"].items()
                  for method in operations if method in {"get", "post", "put", "patch", "delete"})


OPERATIONS = schema_operations()
PUBLIC = {("/api/auth/register/", "POST"), ("/api/auth/token/", "POST")}
DATA_APPS = ("/api/documents/", "/api/sales/", "/api/chat/", "/api/search/")


def test_schema_lists_the_endpoints_the_matrix_covers():
    """A new endpoint of a data-bearing app needs its row in OBJECT_RULES below (or in LIST_RULES)."""
    data = [(path, method) for path, method in OPERATIONS if path.startswith(DATA_APPS)]
    uncovered = [op for op in data if op not in OBJECT_RULES and op not in LIST_RULES and op not in OTHER_RULES]
    assert uncovered == []
    assert len(OPERATIONS) >= 35


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("path,method", [op for op in OPERATIONS if op not in PUBLIC])
def test_refused_personas_get_401_or_403_everywhere(world, persona, path, method):
    url = path.replace("{id}", str(uuid.uuid4())).replace("{message_id}", "1")
    response = getattr(world.client(persona), method.lower())(url, {}, format="json")
    assert response.status_code in {401, 403}, response.content[:200]
    assert b"results" not in response.content


@pytest.mark.parametrize("persona", ["pending", "rejected"])
def test_pending_and_rejected_accounts_cannot_get_a_token(world, persona):
    from accounts.tests.factories import TEST_PASSWORD

    response = APIClient().post("/api/auth/token/", {"email": world.users[persona].email,
                                                     "password": TEST_PASSWORD}, format="json")
    assert response.status_code in {400, 401, 403}
    assert "token" not in response.json()


# --- Lists: exactly the visible rows ------------------------------------------------------------------------

def _list_expectations():
    return {
        ("/api/documents/", "GET"): ("documents", sees_document),
        ("/api/sales/customers/", "GET"): ("customers", sees_customer),
        ("/api/sales/contacts/", "GET"): ("contacts", sees_customer),
        ("/api/sales/employees/", "GET"): ("employees", sees_employee),
        ("/api/sales/assignments/", "GET"): ("assignments", sees_assignment),
        ("/api/sales/interactions/", "GET"): ("interactions", sees_activity),
        ("/api/sales/sales-records/", "GET"): ("sales_records", sees_activity),
        ("/api/sales/performance/", "GET"): ("performance", sees_performance),
        ("/api/chat/sessions/", "GET"): ("sessions", lambda persona, owner: persona == owner),
        ("/api/search/history/", "GET"): ("queries", lambda persona, owner: persona == owner),
    }


LIST_RULES = _list_expectations()


@pytest.mark.parametrize("persona", APPROVED)
@pytest.mark.parametrize("path", [path for path, _method in LIST_RULES])
def test_list_holds_exactly_the_rows_the_persona_may_see(world, persona, path):
    kind, rule = LIST_RULES[(path, "GET")]
    rows = get_all(world.client(persona), path)
    seen = keys_of(getattr(world, kind), [row["id"] for row in rows])
    expected = {key for key in getattr(world, kind) if rule(persona, key)}
    assert seen == expected
    if kind == "documents":
        assert_no_hidden_document(world, persona, str(rows), test=sees_document)


@pytest.mark.parametrize("persona", APPROVED)
def test_products_are_reference_data_for_every_approved_user(world, persona):
    rows = get_all(world.client(persona), "/api/sales/products/")
    product = next(row for row in rows if row["name"] == "리피토정")
    assert world.client(persona).get(f"/api/sales/products/{product['id']}/").status_code == 200


@pytest.mark.parametrize("persona", APPROVED)
def test_sales_csv_holds_exactly_the_visible_sales_records(world, persona):
    response = world.client(persona).get("/api/sales/sales-records/csv/")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    seen = sorted((row["사번"], row["거래처 코드"]) for row in rows)
    expected = sorted((world.employees[e].employee_no, world.customers[c].code)
                      for key, (e, c) in ACTIVITY.items() if sees_activity(persona, key))
    assert seen == expected


# --- Objects: 200 for what the persona may see, 404 (as for a nonexistent id) for the rest ------------------

def _detail(kind, rule):
    return {"kind": kind, "rule": rule}


OBJECT_RULES = {
    ("/api/documents/{id}/", "GET"): _detail("documents", sees_document),
    ("/api/documents/{id}/chunks/", "GET"): _detail("documents", sees_document),
    ("/api/documents/{id}/download/", "GET"): _detail("documents", sees_document),
    ("/api/documents/{id}/", "PATCH"): _detail("documents", sees_document),
    ("/api/documents/{id}/", "DELETE"): _detail("documents", sees_document),
    ("/api/documents/{id}/reprocess/", "POST"): _detail("documents", sees_document),
    ("/api/documents/{id}/review/", "POST"): _detail("documents", sees_document),
    ("/api/sales/customers/{id}/", "GET"): _detail("customers", sees_customer),
    ("/api/sales/contacts/{id}/", "GET"): _detail("contacts", sees_customer),
    ("/api/sales/contacts/{id}/", "PUT"): _detail("contacts", sees_customer),
    ("/api/sales/contacts/{id}/", "PATCH"): _detail("contacts", sees_customer),
    ("/api/sales/employees/{id}/", "GET"): _detail("employees", sees_employee),
    ("/api/sales/assignments/{id}/", "GET"): _detail("assignments", sees_assignment),
    ("/api/sales/assignments/{id}/", "PUT"): _detail("assignments", sees_assignment),
    ("/api/sales/assignments/{id}/", "PATCH"): _detail("assignments", sees_assignment),
    ("/api/sales/interactions/{id}/", "GET"): _detail("interactions", sees_activity),
    ("/api/sales/interactions/{id}/", "PUT"): _detail("interactions", sees_activity),
    ("/api/sales/interactions/{id}/", "PATCH"): _detail("interactions", sees_activity),
    ("/api/sales/sales-records/{id}/", "GET"): _detail("sales_records", sees_activity),
    ("/api/sales/performance/{id}/", "GET"): _detail("performance", sees_performance),
    ("/api/chat/sessions/{id}/", "GET"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/", "PUT"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/", "PATCH"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/", "DELETE"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/messages/", "GET"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/messages/", "POST"): _detail("sessions", lambda persona, owner: persona == owner),
    ("/api/chat/sessions/{id}/messages/{message_id}/feedback/", "POST"): _detail(
        "sessions", lambda persona, owner: persona == owner),
    ("/api/search/queries/{id}/feedback/", "POST"): _detail("queries", lambda persona, owner: persona == owner),
}
# Covered by their own tests below: creation (with the objects they point to), search, chat, briefing.
OTHER_RULES = {("/api/documents/", "POST"), ("/api/sales/assignments/", "POST"), ("/api/sales/contacts/", "POST"),
               ("/api/sales/interactions/", "POST"), ("/api/chat/sessions/", "POST"), ("/api/search/", "POST"),
               ("/api/chat/briefing/", "GET"), ("/api/sales/sales-records/csv/", "GET"),
               ("/api/sales/products/", "GET"), ("/api/sales/products/{id}/", "GET")}
READS = {op for op in OBJECT_RULES if op[1] == "GET"}
WRITE_BODIES = {"PATCH": {"title": "침입"}, "PUT": {"title": "침입", "name": "침입"}, "POST": {}}


def _object_cases():
    cases = []
    for (path, method), rule in OBJECT_RULES.items():
        for key in {"documents": DOCS, "customers": CUSTOMERS, "contacts": CUSTOMERS, "employees": EMPLOYEES,
                    "assignments": ASSIGNMENTS, "interactions": ACTIVITY, "sales_records": ACTIVITY,
                    "performance": PERFORMANCE, "sessions": CONVERSATION_OWNERS,
                    "queries": CONVERSATION_OWNERS}[rule["kind"]]:
            for persona in APPROVED:
                visible = rule["rule"](persona, key)
                if (path, method) in READS or not visible:  # writes to visible objects: each app's own tests
                    cases.append(pytest.param(path, method, persona, key, visible,
                                              id=f"{method} {path} {persona} {key}"))
    return cases


def _url(world, path, kind, key):
    obj = getattr(world, kind)[key]
    pk = obj if isinstance(obj, str) else obj.pk
    url = path.replace("{id}", str(pk))
    if "{message_id}" in url:
        url = url.replace("{message_id}", str(world.answers[key].pk))
    return url


def _nonexistent_url(path, kind):
    fake = {"documents": uuid.uuid4(), "sessions": uuid.uuid4(), "queries": uuid.uuid4(),
            "performance": "999999:999999:2000-01"}.get(kind, 987654321)
    return path.replace("{id}", str(fake)).replace("{message_id}", "987654321")


def _nonexistent_answer(world, path, method, persona):
    """What a nonexistent id gets (asked once per endpoint and persona)."""
    cache_key = (path, method, persona)
    if cache_key not in world.missing:
        kind = OBJECT_RULES[(path, method)]["kind"]
        send = getattr(world.client(persona), method.lower())
        response = send(_nonexistent_url(path, kind), WRITE_BODIES.get(method, {}), format="json")
        world.missing[cache_key] = (response.status_code, response.json())
    return world.missing[cache_key]


@pytest.mark.parametrize("path,method,persona,key,visible", _object_cases())
def test_object_endpoint_answers_by_the_rules(world, path, method, persona, key, visible):
    kind = OBJECT_RULES[(path, method)]["kind"]
    client = world.client(persona)
    send = getattr(client, method.lower())
    response = send(_url(world, path, kind, key), WRITE_BODIES.get(method, {}), format="json")
    if not visible:
        status, body = _nonexistent_answer(world, path, method, persona)
        assert response.status_code == status == 404, response.content[:300]
        assert response.json() == body
        if kind == "documents":
            assert world.documents[key].__class__.objects.filter(pk=world.documents[key].pk,
                                                                  title=world.documents[key].title).exists()
        return
    assert response.status_code == 200, response.content[:300]
    if path.endswith("/download/"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        world.documents[key].file.open("rb")
        assert body == world.documents[key].file.read()
    elif path.endswith("/chunks/"):
        texts = [row["text"] for row in response.json()["results"]] if "results" in response.json() else [
            row["text"] for row in response.json()]
        assert any(f"번호 {key} " in text for text in texts)
    elif path.endswith("/messages/"):
        assert f"질문-{key}" in response.content.decode()
    else:
        assert str(response.json()["id"]) == str(_url(world, "{id}", kind, key))


# --- Creation: which customers a persona may attach things to -----------------------------------------------

@pytest.mark.parametrize("persona", APPROVED)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_assignment_creation_follows_the_assignment_rule(world, persona, customer):
    employee = world.employees["cardio_spare"]
    payload = {"employee": employee.pk, "customer": world.customers[customer].pk,
               "start_date": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()}
    client = world.client(persona)
    response = client.post("/api/sales/assignments/", payload, format="json")
    if may_assign_to(persona, customer):
        assert response.status_code == 201, response.content
        return
    missing = client.post("/api/sales/assignments/", {**payload, "customer": 987654321}, format="json")
    assert response.status_code == missing.status_code
    assert response.json() == missing.json()
    assert response.status_code == (400 if manages(persona) else 403)


@pytest.mark.parametrize("persona", APPROVED)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_contact_and_interaction_creation_only_for_visible_customers(world, persona, customer):
    client = world.client(persona)
    linked_and_visible = spec(persona).employee is not None and sees_customer(persona, customer)
    contact = client.post("/api/sales/contacts/", {"customer": world.customers[customer].pk, "name": "새 담당"},
                          format="json")
    interaction = client.post("/api/sales/interactions/", {
        "customer": world.customers[customer].pk, "interaction_type": "visit",
        "occurred_at": timezone.now().isoformat(), "summary": "새 활동"}, format="json")
    if spec(persona).superuser:
        assert contact.status_code == 201
        assert interaction.status_code == 403  # a superuser without an employee link logs no activity
    elif linked_and_visible:
        assert contact.status_code == interaction.status_code == 201
    else:
        assert contact.status_code == interaction.status_code == 400
        assert "새 담당" not in str(contact.json())


# --- Search, chat answers and the briefing: only visible sources --------------------------------------------

@pytest.mark.parametrize("persona", APPROVED)
def test_search_returns_exactly_the_searchable_documents_and_nothing_of_the_others(world, persona):
    response = world.client(persona).post("/api/search/", {"query": "리피토 복약 안내", "top_k": 50}, format="json")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    seen = keys_of(world.documents, {hit["document_id"] for hit in body["results"]})
    assert seen == {key for key in DOCS if searches_document(persona, key)}
    assert all(1 <= n <= len(body["results"]) for n in body["citations"])
    assert_no_hidden_document(world, persona, response.content.decode())


@pytest.mark.parametrize("persona", APPROVED)
def test_chat_answer_cites_only_searchable_documents_and_own_departments_crm_records(world, persona):
    client = world.client(persona)
    session = client.post("/api/chat/sessions/", {"title": "매트릭스"}, format="json").json()
    # A CRM question answers from records only, filtered to what it names (chat/crm.py), so the customer's
    # activity and the documents are asked separately.
    for question in ("리피토 복약 안내 알려줘", "거래처-shared 최근 활동 알려줘"):
        response = client.post(f"/api/chat/sessions/{session['id']}/messages/", {"content": question},
                               format="json")
        assert response.status_code == 201, response.content[:300]
        text = response.content.decode()
        sources = response.json()["assistant_message"]["sources"]
        documents = keys_of(world.documents, {s["document_id"] for s in sources if s.get("document_id")})
        assert documents <= {key for key in DOCS if searches_document(persona, key)}
        assert_no_hidden_document(world, persona, text)
    interactions = keys_of(world.interactions, {s["record_id"] for s in sources
                                                if s.get("record_type") == "interaction"})
    assert interactions == {key for key, (_e, c) in ACTIVITY.items() if c == "shared" and sees_activity(persona, key)}
    for key in ACTIVITY:
        if not sees_activity(persona, key):
            assert f"활동기록 {key} " not in text


@pytest.mark.parametrize("persona", APPROVED)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_briefing_only_for_visible_customers_with_only_visible_activity(world, persona, customer):
    client = world.client(persona)
    response = client.get("/api/chat/briefing/", {"customer": world.customers[customer].pk})
    if not sees_customer(persona, customer):
        missing = client.get("/api/chat/briefing/", {"customer": 987654321})
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
        return
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    seen = keys_of(world.interactions, [row["id"] for row in body["recent_interactions"]])
    assert seen == {key for key, (_e, c) in ACTIVITY.items() if c == customer and sees_activity(persona, key)}
    visible_sales = sum(world.sales_records[key].amount for key, (_e, c) in ACTIVITY.items()
                        if c == customer and sees_activity(persona, key))
    assert sum(float(entry["total_amount"]) for entry in body["sales_by_product"]) == float(visible_sales)
    assert_no_hidden_document(world, persona, response.content.decode())


# --- The admin, for each staff persona ----------------------------------------------------------------------

STAFF = ["cardio_l2", "librarian", "sales_manager", "superuser"]


def has_permission(persona, dotted):
    return spec(persona).superuser or dotted in spec(persona).staff_permissions


ADMIN_LISTS = {
    # changelist -> (permission, world attribute, rule(persona, key))
    "documents/document": ("documents.view_document", "documents", sees_document),
    "sales/customer": ("sales.view_customer", "customers", sees_customer),
    "sales/contact": ("sales.view_contact", "contacts", sees_customer),
    "sales/interaction": ("sales.view_interaction", "interactions", sees_activity),
    "sales/salesrecord": ("sales.view_salesrecord", "sales_records", sees_activity),
    "sales/assignment": ("sales.view_assignment", "assignments", sees_assignment),
    "search/searchquery": ("search.view_searchquery", "queries", audits),
    "chat/chatsession": ("chat.view_chatsession", "sessions", audits),
}


def admin_client(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def admin_row_ids(body: str, model: str) -> set[str]:
    return set(re.findall(rf'href="/admin/{model}/([^/"]+)/change/', body))


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize("model", list(ADMIN_LISTS))
def test_admin_changelist_shows_exactly_what_the_staff_persona_may_see(world, persona, model):
    permission, kind, rule = ADMIN_LISTS[model]
    response = admin_client(world, persona).get(f"/admin/{model}/")
    if not has_permission(persona, permission):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = response.content.decode()
    seen = keys_of(getattr(world, kind), admin_row_ids(body, model))
    assert seen == {key for key in getattr(world, kind) if rule(persona, key)}
    assert_no_hidden_document(world, persona, body, test=sees_document)


def _admin_detail_cases():
    return [pytest.param(persona, model, key, id=f"{persona} {model} {key}")
            for model, (_perm, kind, _rule) in ADMIN_LISTS.items()
            for key in {"documents": DOCS, "customers": CUSTOMERS, "contacts": CUSTOMERS, "interactions": ACTIVITY,
                        "sales_records": ACTIVITY, "assignments": ASSIGNMENTS, "queries": CONVERSATION_OWNERS,
                        "sessions": CONVERSATION_OWNERS}[kind]
            for persona in STAFF]


@pytest.mark.parametrize("persona,model,key", _admin_detail_cases())
def test_admin_change_page_opens_only_for_visible_objects_and_shows_no_hidden_source(world, persona, model, key):
    permission, kind, rule = ADMIN_LISTS[model]
    obj = getattr(world, kind)[key]
    response = admin_client(world, persona).get(f"/admin/{model}/{obj.pk}/change/")
    if not (has_permission(persona, permission) and rule(persona, key)):
        assert response.status_code in {302, 403, 404}
        return
    assert response.status_code == 200
    # logged answers cite every document; the page shows only those the viewer may open
    assert_no_hidden_document(world, persona, response.content.decode(), test=sees_document)


@pytest.mark.parametrize("persona", STAFF)
def test_index_word_list_is_for_superusers_only(world, persona):
    response = admin_client(world, persona).get("/admin/search/lexiconterm/")
    assert response.status_code == (200 if spec(persona).superuser else 403)


@pytest.mark.parametrize("persona", STAFF)
def test_search_dashboard_names_only_audited_users_queries(world, persona):
    response = admin_client(world, persona).get("/admin/search/searchquery/dashboard/")
    if not has_permission(persona, "search.view_searchquery"):
        assert response.status_code == 403
        return
    body = response.content.decode()
    for owner in CONVERSATION_OWNERS:
        assert (f"검색질의-{owner}".lower() in body) == audits(persona, owner), owner
