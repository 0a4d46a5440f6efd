import json
import os

import pytest
from django.core.management import call_command

from accounts.tests.factories import DepartmentFactory, SuperUserFactory, UserFactory
from documents.tests.factories import make_indexed_document
from search.backends import opensearch
from search.health import check_opensearch
from search.models import SearchResponse
from search.receivers import on_document_deleted, on_document_indexed
from search.serializers import validated_search_request
from search.services import search_chunks, search_run
from search.tests.opensearch_double import OpenSearchDouble

pytestmark = pytest.mark.django_db


@pytest.fixture
def double(settings):
    with OpenSearchDouble() as server:
        settings.SEARCH_BACKEND = "opensearch"
        settings.OPENSEARCH_URL = server.url
        settings.OPENSEARCH_INDEX_PREFIX = "test"
        yield server


def test_reindex_creates_nori_knn_index_and_bulk_loads_every_chunk(double):
    make_indexed_document(["리피토 복약 안내", "보관 방법"], title="리피토")

    call_command("opensearch_reindex")

    index = double.indices["test-chunks"]
    properties = index["body"]["mappings"]["properties"]
    assert properties["embedding"]["type"] == "knn_vector"
    assert properties["embedding"]["method"]["space_type"] == "cosinesimil"
    assert properties["embedding"]["method"]["name"] == "hnsw"
    assert properties["text"]["analyzer"] == "korean"
    assert index["body"]["settings"]["analysis"]["analyzer"]["korean"]["tokenizer"] == "nori_tokenizer"
    for field in ("access_level", "department", "department_id", "uploaded_by", "document_id", "document_type",
                  "approval_state"):
        assert properties[field]["type"] == "keyword"
    assert len(index["docs"]) == 2
    assert {doc["text"] for doc in index["docs"].values()} == {"리피토 복약 안내", "보관 방법"}
    assert all(len(doc["embedding"]) == 384 for doc in index["docs"].values())


def test_query_bodies_carry_access_rule_and_filters(double):
    dept = DepartmentFactory(code="CARDIO")
    make_indexed_document(["리피토 복약 안내"], title="리피토")
    call_command("opensearch_reindex")
    user = UserFactory(access_level=2, department=dept)

    search_chunks(user=user, query="리피토 ATV-10 복약", filters={"document_type": "TXT", "metadata": {"line": "A"}})

    dense_body, lexical_body = double.bodies("POST", "/_search")[-2:]
    dense_filter = json.dumps(dense_body["query"]["knn"]["embedding"]["filter"], ensure_ascii=False)
    lexical_filter = json.dumps(lexical_body["query"]["bool"]["filter"], ensure_ascii=False)
    for text in (dense_filter, lexical_filter):
        assert '{"terms": {"access_level": ["1", "2"]}}' in text
        assert f'{{"term": {{"department_id": "{dept.pk}"}}}}' in text
        assert f'{{"term": {{"uploaded_by": "{user.pk}"}}}}' in text
        assert '{"terms": {"approval_state": ["approved"]}}' in text
        assert '{"terms": {"document_type": ["TXT"]}}' in text
        assert '{"term": {"metadata.line": "A"}}' in text
    assert len(dense_body["query"]["knn"]["embedding"]["vector"]) == 384
    assert {"match_phrase": {"text": "atv 10"}} in lexical_body["query"]["bool"]["must"]


def test_hits_from_the_index_are_rechecked_against_access_in_sql(double):
    make_indexed_document(["리피토 공급가 비공개"], title="L3 자료", access_level=3)
    make_indexed_document(["리피토 복약 안내"], title="공개 자료")
    call_command("opensearch_reindex")

    # The double returns every stored chunk whatever the filter says.
    titles = {hit.document_title for hit in search_chunks(user=UserFactory(access_level=1), query="리피토")}

    assert titles == {"공개 자료"}


def test_unreachable_opensearch_falls_back_to_postgres_and_logs_it(double, caplog):
    make_indexed_document(["리피토 복약 안내"], title="공개 자료")
    double.fail = True

    user = UserFactory()
    outcome = search_run(user=user, search=validated_search_request({"query": "리피토 복약"}, user=user))

    assert [hit.document_title for hit in outcome.hits] == ["공개 자료"]
    assert SearchResponse.objects.get().backend == "postgres"
    assert "OpenSearch unreachable" in caplog.text


def test_readiness_reports_degraded_when_opensearch_is_down(double, client, settings):
    settings.READINESS_CHECKS = [*settings.READINESS_CHECKS, "search.health.check_opensearch"]
    assert check_opensearch().status == "ok"
    double.fail = True

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["opensearch"]["status"] == "degraded"


def test_document_signals_sync_and_delete_chunks_through_the_task_queue(double, django_capture_on_commit_callbacks):
    document = make_indexed_document(["리피토 복약 안내", "보관 방법"], title="리피토")

    with django_capture_on_commit_callbacks(execute=True):
        on_document_indexed(sender=type(document), document_id=document.pk, chunk_count=2)
    assert len(double.indices["test-chunks"]["docs"]) == 2

    with django_capture_on_commit_callbacks(execute=True):
        on_document_deleted(sender=type(document), document_id=document.pk)
    assert double.indices["test-chunks"]["docs"] == {}


def test_signals_do_nothing_with_the_postgres_backend(settings, django_capture_on_commit_callbacks):
    settings.SEARCH_BACKEND = "postgres"
    document = make_indexed_document(["리피토"], title="리피토")

    with django_capture_on_commit_callbacks() as callbacks:
        on_document_indexed(sender=type(document), document_id=document.pk, chunk_count=1)

    assert callbacks == []


@pytest.mark.opensearch
@pytest.mark.skipif(not os.environ.get("OPENSEARCH_URL"), reason="integration: needs a real OpenSearch (OPENSEARCH_URL)")
def test_integration_real_opensearch_index_and_search(settings):
    settings.SEARCH_BACKEND = "opensearch"
    settings.OPENSEARCH_URL = os.environ["OPENSEARCH_URL"]
    settings.OPENSEARCH_INDEX_PREFIX = "pytest-search"
    make_indexed_document(["리피토는 콜레스테롤을 낮춥니다."], title="리피토")
    make_indexed_document(["메트포르민은 혈당을 낮춥니다."], title="당뇨")
    opensearch.ensure_index(recreate=True)
    call_command("opensearch_reindex")
    opensearch.client().indices.refresh(index=opensearch.index_name())

    retrieval_hits = search_chunks(user=SuperUserFactory(), query="콜레스테롤 낮추는 약")

    assert retrieval_hits[0].document_title == "리피토"
    opensearch.client().indices.delete(index=opensearch.index_name())


def test_uploading_and_deleting_through_the_api_keeps_the_index_in_sync(double, client_for,
                                                                       django_capture_on_commit_callbacks):
    """The documents app's signals reach the OpenSearch sync without anyone calling the receivers."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.tests.factories import UserFactory

    client = client_for(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/documents/", {"file": SimpleUploadedFile("복약.txt", "리피토 복약 안내문입니다.".encode())},
                               format="multipart")
    assert response.status_code == 201, response.json()
    assert len(double.indices["test-chunks"]["docs"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/documents/{response.json()['id']}/").status_code == 204
    assert double.indices["test-chunks"]["docs"] == {}
