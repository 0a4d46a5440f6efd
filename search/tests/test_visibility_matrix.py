"""One visibility rule, two renderers: the SQL and the OpenSearch clauses pick the same documents.

documents.visibility renders the access rule (`Visibility`) and what search adds to it (`Searchable`) once as a
Q for PostgreSQL and once as OpenSearch filter clauses over the index document of
search.backends.opensearch.document_source. No OpenSearch runs here, so the clauses are evaluated by
`opensearch_filter_matches`, a TEST DOUBLE of OpenSearch's filter semantics written below, over the index document
of every document of a users x documents matrix, and compared with what the SQL returns.

The second part checks that the index follows access changes made through the real services: the OpenSearch
double (`double`, search/tests/test_opensearch.py) is made to answer `_search` by applying the query's filter
clauses with the same evaluator, so a stale index document would keep a widened document out of an L1 user's
search (the SQL re-check of hits only ever removes hits, it cannot bring back one the index left out).
"""

import itertools
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.jobs import expire_documents
from documents.models import ApprovalState, Document, DocumentType, ProcessingStatus
from documents.services import document_set_approval, document_update
from documents.signals import document_indexed
from documents.tests.factories import DocumentFactory, document_manager, make_indexed_document
from documents.visibility import Searchable, Visibility
from search.backends import opensearch
from search.backends.opensearch import document_source, filter_clauses
from search.criteria import SearchFilters
from search.serializers import validated_search_request
from search.services import search_run
from search.tests.test_opensearch import double  # noqa: F401  (the fixture: the OpenSearch double as backend)

pytestmark = pytest.mark.django_db


# -- TEST DOUBLE of OpenSearch's filter semantics ---------------------------------------------------------------

class UnknownClause(AssertionError):
    """The evaluator met a clause (or option) it does not model: extend it deliberately, never guess."""


def _mapping() -> dict:
    return opensearch.index_body()["mappings"]["properties"]


def _field_values(source: dict, field: str, mapping: dict) -> list:
    """The values OpenSearch indexed for `field`: none for a missing field, null or an empty list; every
    non-null element of an array. A field the index does not map is refused (a typo in a clause would
    otherwise silently match nothing, or everything under must_not)."""
    if field not in mapping:
        raise UnknownClause(f"field {field!r} is not in the index mapping")
    if field not in source:
        raise UnknownClause(f"field {field!r} is mapped but document_source does not write it")
    value = source[field]
    values = value if isinstance(value, list) else [value]
    return [v for v in values if v is not None]


def _coerce(value, field_type: str, field: str):
    """A value as OpenSearch compares it for the field's type: keyword as a string, date as an instant."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        # JSON scalars only: a UUID or datetime would be left to the client's serializer to stringify.
        raise UnknownClause(f"{field}: cannot compare {value!r}")
    if field_type == "keyword":
        return str(value)
    if field_type == "date":
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise UnknownClause(f"{field}: naive date {value!r} (OpenSearch would read it as UTC)")
        return parsed
    if field_type == "long":
        return int(value)
    raise UnknownClause(f"{field}: term-level comparison on a {field_type} field is not modelled")


def _single(clause: dict) -> tuple[str, object]:
    if not isinstance(clause, dict) or len(clause) != 1:
        raise UnknownClause(f"a clause has exactly one key: {clause!r}")
    return next(iter(clause.items()))


def _minimum_should_match(body: dict) -> int:
    value = body["minimum_should_match"]
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise UnknownClause(f"minimum_should_match {value!r} is not modelled")
    return int(value)


def opensearch_filter_matches(clause: dict, source: dict) -> bool:
    """Whether one OpenSearch filter clause matches an index document (filter context, no scoring).

    Modelled: term, terms, range (gt/gte/lt/lte), exists, match_none and bool (filter/must/should/must_not/
    minimum_should_match). Anything else raises UnknownClause. A bool with `should` and no explicit
    minimum_should_match is refused as well: its default depends on the other occurrences (1 alone, 0 beside
    filter/must), and the rule should not depend on a default."""
    mapping = _mapping()
    kind, body = _single(clause)
    if kind == "match_none":
        if body:
            raise UnknownClause(f"match_none options {body!r}")
        return False
    if kind == "bool":
        unknown = set(body) - {"filter", "must", "should", "must_not", "minimum_should_match"}
        if unknown:
            raise UnknownClause(f"bool options {sorted(unknown)}")
        listed = {key: body.get(key, []) for key in ("filter", "must", "should", "must_not")}
        listed = {key: value if isinstance(value, list) else [value] for key, value in listed.items()}
        if not all(opensearch_filter_matches(c, source) for c in listed["filter"] + listed["must"]):
            return False
        if any(opensearch_filter_matches(c, source) for c in listed["must_not"]):
            return False
        if listed["should"] or "minimum_should_match" in body:
            if "minimum_should_match" not in body:
                raise UnknownClause("bool with should but no explicit minimum_should_match")
            hits = sum(opensearch_filter_matches(c, source) for c in listed["should"])
            return hits >= _minimum_should_match(body)
        return True
    if kind == "exists":
        if set(body) != {"field"}:
            raise UnknownClause(f"exists options {body!r}")
        return bool(_field_values(source, body["field"], mapping))
    if kind in ("term", "terms", "range"):
        field, condition = _single(body)
        field_type = mapping.get(field, {}).get("type")
        values = [_coerce(v, field_type, field) for v in _field_values(source, field, mapping)]
        if kind == "term":
            if isinstance(condition, dict):
                raise UnknownClause(f"term options {condition!r}")
            return _coerce(condition, field_type, field) in values
        if kind == "terms":
            if not isinstance(condition, list):
                raise UnknownClause(f"terms takes a list: {condition!r}")
            wanted = {_coerce(v, field_type, field) for v in condition}
            return any(v in wanted for v in values)
        unknown = set(condition) - {"gt", "gte", "lt", "lte"}
        if unknown or not condition:
            raise UnknownClause(f"range options {condition!r}")
        bounds = {op: _coerce(v, field_type, field) for op, v in condition.items()}
        tests = {"gt": lambda v, b: v > b, "gte": lambda v, b: v >= b,
                 "lt": lambda v, b: v < b, "lte": lambda v, b: v <= b}
        return any(all(tests[op](v, b) for op, b in bounds.items()) for v in values)
    raise UnknownClause(f"clause type {kind!r} is not modelled")


def opensearch_picks(clauses: list[dict], sources: dict) -> set:
    """The keys of `sources` (key -> index document) that every clause of a filter list matches."""
    return {key for key, source in sources.items() if all(opensearch_filter_matches(c, source) for c in clauses)}


def test_the_evaluator_follows_opensearch_on_missing_fields_lists_and_keywords():
    source = {**{name: None for name in _mapping()}, "access_level": "2", "customers": ["7", "C-7"],
              "products": [], "valid_until": "2030-01-01T00:00:00+00:00"}
    assert opensearch_filter_matches({"term": {"access_level": 2}}, source)  # keyword compared as a string
    assert not opensearch_filter_matches({"range": {"access_level": {"lte": "10"}}}, source)  # "2" > "10"
    assert opensearch_filter_matches({"term": {"customers": "C-7"}}, source)  # any element of a list
    assert not opensearch_filter_matches({"exists": {"field": "products"}}, source)  # empty list
    assert not opensearch_filter_matches({"exists": {"field": "department_id"}}, source)  # null
    assert not opensearch_filter_matches({"terms": {"department_id": ["1"]}}, source)
    # dates compare as instants, not as strings: 23:30+01:00 is before midnight UTC, 23:30-01:00 after it
    assert opensearch_filter_matches({"range": {"valid_until": {"gt": "2029-12-31T23:30:00+01:00"}}}, source)
    assert not opensearch_filter_matches({"range": {"valid_until": {"gt": "2029-12-31T23:30:00-01:00"}}}, source)
    assert opensearch_filter_matches({"bool": {}}, source)
    assert not opensearch_filter_matches({"bool": {"should": [], "minimum_should_match": 1}}, source)
    for unknown in ({"match_all": {}}, {"prefix": {"title": "a"}}, {"term": {"no_such_field": "1"}},
                    {"range": {"valid_until": {"gt": "2030-01-01T00:00:00+00:00", "format": "x"}}},
                    {"bool": {"should": [{"match_none": {}}]}}):
        with pytest.raises(UnknownClause):
            opensearch_filter_matches(unknown, source)


# -- The matrix ----------------------------------------------------------------------------------------------

def expected_visible(user, document, now) -> bool:
    """The rule as documents/visibility.py's docstring states it, in plain Python (a third opinion)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("documents.manage_documents"):
        return True
    unexpired = document.valid_until is None or document.valid_until > now
    published = (document.approval_state == ApprovalState.APPROVED and unexpired
                 and document.access_level <= user.access_level
                 and document.department_id in (None, user.department_id))
    return published or (document.uploaded_by_id is not None and document.uploaded_by_id == user.pk)


def expected_searchable(document, now, *, include_drafts: bool) -> bool:
    states = {ApprovalState.APPROVED, ApprovalState.DRAFT, ApprovalState.PENDING} if include_drafts \
        else {ApprovalState.APPROVED}
    return (document.status == ProcessingStatus.READY and document.approval_state in states
            and (document.valid_until is None or document.valid_until > now))


@pytest.fixture
def matrix():
    dept_a, dept_b = DepartmentFactory(code="DEPT-A"), DepartmentFactory(code="DEPT-B")
    users = {
        "anonymous": AnonymousUser(),
        "inactive": UserFactory(is_active=False, access_level=3, department=dept_a),
        "superuser": SuperUserFactory(department=None),
        "manager": document_manager(access_level=1, department=dept_b),
        "l1_a": UserFactory(access_level=1, department=dept_a),
        "l2_a": UserFactory(access_level=2, department=dept_a),
        "l3_a": UserFactory(access_level=3, department=dept_a),
        "l2_b": UserFactory(access_level=2, department=dept_b),
        "no_department": UserFactory(access_level=3, department=None),
        "uploader": UserFactory(access_level=1, department=dept_b),
    }
    now = timezone.now()
    expiries = {"none": None, "expired": now - timedelta(days=30), "at_now": now, "future": now + timedelta(days=30)}
    owners = {"nobody": None, "uploader": users["uploader"], "l3_a": users["l3_a"]}
    documents = []
    combos = itertools.product((1, 2, 3), (None, dept_a, dept_b), ApprovalState.values, expiries.items(),
                               (ProcessingStatus.READY, ProcessingStatus.QUEUED), owners.items())
    for n, (level, department, state, (expiry_name, valid_until), status, (owner_name, owner)) in enumerate(combos):
        documents.append(DocumentFactory.build(
            title=f"L{level} {department.code if department else '-'} {state} {expiry_name} {status} {owner_name}",
            file=f"matrix/{n}.txt", checksum=f"{n:064x}", document_type=DocumentType.TXT, access_level=level,
            department=department, approval_state=state, valid_until=valid_until, status=status, uploaded_by=owner,
        ))
    Document.objects.bulk_create(documents)
    documents = list(Document.objects.select_related("department"))
    return users, documents, now


def test_sql_and_opensearch_renderings_of_visibility_pick_the_same_documents(matrix):
    users, documents, now = matrix
    sources = {document.pk: document_source(document) for document in documents}
    everything = set(sources)
    seen = {}
    for name, user in users.items():
        visibility = Visibility.for_user(user, now=now)
        # The access rule alone: the production queryset (its own clock), the Q at `now`, the clauses at `now`.
        sql = set(Document.objects.visible_to(user).values_list("pk", flat=True))
        sql_at_now = set(Document.objects.filter(visibility.as_q()).values_list("pk", flat=True))
        picked = opensearch_picks(visibility.as_opensearch_clauses(), sources)
        oracle = {d.pk for d in documents if expected_visible(user, d, now)}
        assert sql == sql_at_now == picked == oracle, name
        seen[name] = sql
        for include_drafts in (False, True):
            searchable = Searchable.for_search(include_drafts=include_drafts, now=now)
            label = f"{name}, include_drafts={include_drafts}"
            sql = set(Document.objects.visible_to(user).searchable(include_drafts=include_drafts)
                      .values_list("pk", flat=True))
            sql_at_now = set(Document.objects.filter(visibility.as_q(), searchable.as_q()).values_list("pk", flat=True))
            picked = opensearch_picks(visibility.as_opensearch_clauses() + searchable.as_opensearch_clauses(), sources)
            # What the backend actually sends (search.backends.opensearch.filter_clauses, no search filters).
            sent = opensearch_picks(filter_clauses(user, SearchFilters(include_drafts=include_drafts), now=now), sources)
            oracle = {d.pk for d in documents
                      if expected_visible(user, d, now) and expected_searchable(d, now, include_drafts=include_drafts)}
            assert sql == sql_at_now == picked == sent == oracle, label
            seen[label] = sql

    # Not a trivial matrix: nobody, everybody and a graded middle.
    assert seen["anonymous"] == seen["inactive"] == set()
    assert seen["superuser"] == seen["manager"] == everything
    assert seen["manager, include_drafts=False"] < seen["manager, include_drafts=True"] < everything
    for name in ("l1_a", "l2_a", "l3_a", "l2_b", "no_department", "uploader"):
        assert set() < seen[name] < everything, name
        assert set() < seen[f"{name}, include_drafts=False"] < seen[name], name
    assert seen["l1_a"] < seen["l2_a"]
    assert seen["l2_a"] != seen["l2_b"]
    by_pk = {d.pk: d for d in documents}
    assert any(by_pk[pk].access_level == 3 and by_pk[pk].approval_state == ApprovalState.DRAFT
               for pk in seen["uploader"])  # own documents beyond one's level and state
    assert not any(by_pk[pk].department_id is not None for pk in seen["no_department"]
                   if by_pk[pk].uploaded_by_id != users["no_department"].pk)


# -- Access changes through the services reach the index -----------------------------------------------------

def _search_filters(query: dict) -> list[dict]:
    """The filter part of the two query bodies search.backends.opensearch.query_bodies sends. Relevance (knn
    similarity, `match` in should) is not modelled: every chunk that passes the filters is a hit."""
    if "knn" in query:
        return [query["knn"]["embedding"]["filter"]]
    body = query["bool"]
    return [{"bool": {"filter": body.get("filter", []), "must": body.get("must", [])}}]


@pytest.fixture
def filtering_double(double):  # noqa: F811
    """The OpenSearch double, answering _search with the stored chunks its filter clauses match."""
    plain = double.answer

    def answer(method, path, body):
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and parts[1] == "_search":
            docs = double.indices.get(parts[0], {"docs": {}})["docs"]
            picked = opensearch_picks(_search_filters(body["query"]), docs)
            hits = [{"_id": doc_id, "_score": 1.0 / (i + 1)} for i, doc_id in enumerate(d for d in docs if d in picked)]
            return 200, {"hits": {"total": {"value": len(hits)}, "hits": hits[: body.get("size", 10)]}}
        return plain(method, path, body)

    double.answer = answer
    return double


def test_access_changes_through_services_reach_the_index_and_search(filtering_double,
                                                                     django_capture_on_commit_callbacks):
    onc, cardio = DepartmentFactory(code="ONC"), DepartmentFactory(code="CARDIO")
    manager = document_manager(access_level=3, department=onc)
    l1_onc = UserFactory(access_level=1, department=onc)
    l1_cardio = UserFactory(access_level=1, department=cardio)
    chunks = filtering_double.indices

    def indexed(document) -> list[dict]:
        return [s for s in chunks["test-chunks"]["docs"].values() if s["document_id"] == str(document.pk)]

    def found_by(user) -> set:
        outcome = search_run(user=user, search=validated_search_request({"query": "리피토 안내"}, user=user))
        assert outcome.backend == "opensearch"
        return {hit.document_id for hit in outcome.hits}

    def index_admits(user, document) -> bool:
        """The clauses the backend sends for `user`, over what the index holds now (no SQL involved)."""
        return any(opensearch_picks(filter_clauses(user, SearchFilters()), {0: s}) for s in indexed(document))

    with django_capture_on_commit_callbacks(execute=True):
        secret = make_indexed_document(["리피토 공급가 안내"], title="종양 L3 자료", access_level=3, department=onc)
        pending = make_indexed_document(["리피토 보관 안내"], title="검토 대기 자료",
                                        approval_state=ApprovalState.PENDING, uploaded_by=UserFactory())
        for document in (secret, pending):  # what the pipeline sends once chunks are stored
            document_indexed.send(sender=Document, document_id=document.pk, chunk_count=1)
    [source] = indexed(secret)
    assert (source["access_level"], source["department_id"]) == ("3", str(onc.pk))
    assert found_by(l1_onc) == found_by(l1_cardio) == set()
    assert not index_admits(l1_onc, secret)

    # Widen the level: the department's L1 user now finds it, the other department's still does not.
    with django_capture_on_commit_callbacks(execute=True):
        document_update(document=secret, by=manager, access_level=1)
    [source] = indexed(secret)
    assert (source["access_level"], source["department_id"]) == ("1", str(onc.pk))
    assert index_admits(l1_onc, secret) and not index_admits(l1_cardio, secret)
    assert found_by(l1_onc) == {secret.pk}
    assert found_by(l1_cardio) == set()

    # Widen the department (to everyone).
    with django_capture_on_commit_callbacks(execute=True):
        document_update(document=secret, by=manager, department=None)
    [source] = indexed(secret)
    assert source["department_id"] is None and source["department"] is None
    assert found_by(l1_cardio) == {secret.pk}

    # Approve the pending document.
    assert indexed(pending)[0]["approval_state"] == "pending" and not index_admits(l1_cardio, pending)
    with django_capture_on_commit_callbacks(execute=True):
        document_set_approval(document=pending, approval_state=ApprovalState.APPROVED, by=manager)
    assert indexed(pending)[0]["approval_state"] == "approved"
    assert index_admits(l1_cardio, pending)
    assert found_by(l1_cardio) == {secret.pk, pending.pk}

    # Expire the first one: the index carries the expiry and its own filter leaves it out.
    expiry = timezone.now() - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        document_update(document=secret, by=manager, valid_until=expiry)
    [source] = indexed(secret)
    assert datetime.fromisoformat(source["valid_until"]) == expiry
    assert not index_admits(l1_cardio, secret) and not index_admits(l1_onc, secret)
    assert found_by(l1_cardio) == {pending.pk}

    # The hourly job then marks it 만료; the index follows that too.
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_documents() == {"expired": 1}
    assert indexed(secret)[0]["approval_state"] == "expired"
    assert found_by(l1_cardio) == {pending.pk}
