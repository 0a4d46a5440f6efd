"""Schemathesis over /api/schema/ against a live server: no server error, every answer as the schema says.

Bounded and deterministic: SCHEMA_FUZZ_EXAMPLES cases per operation and generation mode (positive and negative),
derandomized, no shrinking. Runs as an L1 rep with a customer and a document, and as a superuser. The case count
and the outcomes by status class are printed (`-s` shows them).
"""

import os
import zlib
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.core.cache import caches
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import HypothesisException
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import AccessLevel
from accounts.services import token_issue
from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.tests.factories import make_indexed_document
from chat.models import ChatSession
from sales.tests.factories import (
    AssignmentFactory,
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    SalesRecordFactory,
    rep_user,
)
from search.tests.factories import SearchQueryFactory

pytestmark = [pytest.mark.slow]

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _persona(kind):
    """The caller and the ids of objects it may see, by the path prefix that reads them."""
    department = DepartmentFactory(code="CARDIO", name="순환기사업부")
    if kind == "superuser":
        user = SuperUserFactory(department=department)
        _rep, employee = rep_user(department=department)
    else:
        user, employee = rep_user(department=department, access_level=AccessLevel.L1)
    customer = CustomerFactory(name="가나병원")
    assignment = AssignmentFactory(employee=employee, customer=customer)
    contact = ContactFactory(customer=customer)
    interaction = InteractionFactory(employee=employee, customer=customer, contact=contact)
    record = SalesRecordFactory(employee=employee, customer=customer)
    document = make_indexed_document(["리피토는 고지혈증 치료제입니다.", "아토르바스타틴 10mg 하루 한 번."],
                                     title="리피토 안내", uploaded_by=user)
    session = ChatSession.objects.create(owner=user, title="리피토 문의")
    query = SearchQueryFactory(user=user)
    ids = {
        "/api/sales/customers/": customer.pk, "/api/sales/assignments/": assignment.pk,
        "/api/sales/contacts/": contact.pk, "/api/sales/interactions/": interaction.pk,
        "/api/sales/employees/": employee.pk, "/api/sales/products/": record.product_id,
        "/api/sales/sales-records/": record.pk, "/api/documents/": document.pk, "/api/chat/sessions/": session.pk,
        "/api/search/queries/": query.pk,
    }
    return user, ids


def _with_known_id(case, operation, ids):
    """Positive cases of detail paths read a real object half of the time (random ids only ever answer 404)."""
    if case.method.upper() == "DELETE" or case.path_parameters is None or "id" not in case.path_parameters:
        return
    prefix = next((p for p in ids if operation.path.startswith(p)), None)
    if prefix is not None and zlib.crc32(case.id.encode()) % 2 == 0:
        case.path_parameters = {**case.path_parameters, "id": str(ids[prefix])}


def fuzz(schema, user, ids):
    """Every operation, positive and negative cases; returns (outcomes by status class, failures)."""
    outcomes, failures, per_operation = Counter(), [], defaultdict(Counter)
    _token, key = token_issue(user=user, device_name="schemathesis")
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def run(case):
                token = key
                if mode == GenerationMode.POSITIVE:
                    _with_known_id(case, operation, ids)
                if "/logout" in operation.path:  # revokes tokens: call it as someone else
                    token = token_issue(user=UserFactory(), device_name="schemathesis logout")[1]
                response = case.call(headers={"Authorization": f"Token {token}"}, timeout=60)
                outcomes[f"{response.status_code // 100}xx"] += 1
                per_operation[operation.label][response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises FailureGroup
                    failures.append(f"{operation.label} [{mode.value}] -> {response.status_code}: "
                                    f"{str(exc)[:600]}\n{response.text[:300]}")

            try:
                run()
            except HypothesisException as exc:  # a mode the schema cannot produce a case for (e.g. nothing to negate)
                outcomes["not generated"] += 1
                if "Unsatisfiable" not in type(exc).__name__:
                    failures.append(f"{operation.label} [{mode.value}]: {type(exc).__name__}: {exc}")
    if os.environ.get("SCHEMA_FUZZ_VERBOSE"):
        for label, statuses in sorted(per_operation.items()):
            print(f"  {label}: {dict(sorted(statuses.items()))}")
    return outcomes, failures


@pytest.fixture
def shared_cache_emptied_after():
    """The shared cache is a table Django's test flush leaves alone; fuzzed logins and sign-ups fill it."""
    yield
    caches[settings.LOGIN_CACHE_ALIAS].clear()


@pytest.mark.usefixtures("shared_cache_emptied_after")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("persona", ["rep", "superuser"])
def test_fuzzing_the_api_schema_finds_no_server_error_and_no_schema_violation(live_server, persona):
    user, ids = _persona(persona)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")

    outcomes, failures = fuzz(schema, user, ids)

    cases = sum(count for status, count in outcomes.items() if status.endswith("xx"))
    print(f"\nschemathesis as {persona}: {cases} cases, {dict(sorted(outcomes.items()))}, "
          f"{len(failures)} failures")
    assert cases > 200
    assert failures == [], "\n\n".join(failures[:30])
