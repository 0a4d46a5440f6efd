"""Rewriting the keyword index after the Korean analyser changed: `manage.py reindex_lexical` and the worker job
the migration queues. Documents go through the real upload API and pipeline; searches through POST /api/search/."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.tests.factories import UserFactory
from core.text import lexical_terms
from documents.tests.factories import document_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    manager = document_manager()

    def send(name, text, title):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(manager).post(
                "/api/documents/", {"file": SimpleUploadedFile(name, text.encode()), "title": title},
                format="multipart")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    return send


@pytest.fixture
def keyword_hits(client_for):
    rep = UserFactory()

    def search(query):
        response = client_for(rep).post("/api/search/", {"query": query}, format="json")
        assert response.status_code == 200, response.json()
        return [r["document_id"] for r in response.json()["results"] if r["lexical_score"] is not None]

    return search


def index_as_an_older_analyser_did(document_id):
    """Vectors that no longer match what today's analyser makes of the text (as after an analyser upgrade)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE documents_documentchunk SET search_vector = to_tsvector('simple', '옛날 색인') "
                       "WHERE document_id = %s", [document_id])


def test_the_command_rewrites_stale_keyword_vectors_so_the_passage_is_found_again(upload, keyword_hits, capsys):
    document = upload("eliquis.txt", "엘리퀴스정은 신기능 저하 환자에서 2.5mg으로 감량한다.", "엘리퀴스정 감량 기준")
    index_as_an_older_analyser_did(document)
    assert document not in keyword_hits("감량")

    call_command("reindex_lexical")

    assert keyword_hits("감량") == [document]
    assert "문서 1건" in capsys.readouterr().out


def test_the_queued_job_reaches_every_document_and_keeps_their_embeddings(upload, keyword_hits):
    from documents.models import DocumentChunk
    from documents.tasks import reindex_lexical_vectors

    first = upload("a.txt", "견본품은 월 1회 신청한다.", "견본품 신청 안내")
    second = upload("b.txt", "보관은 실온에서 습기를 피한다.", "보관 안내")
    before = {c.pk: list(c.embedding) for c in DocumentChunk.objects.all()}
    index_as_an_older_analyser_did(first)
    index_as_an_older_analyser_did(second)

    reindex_lexical_vectors.enqueue()

    assert keyword_hits("견본품") == [first] and keyword_hits("습기") == [second]
    assert {c.pk: list(c.embedding) for c in DocumentChunk.objects.all()} == before


def test_migrating_rewrites_what_the_older_analyser_indexed(upload, keyword_hits):
    migration = importlib.import_module("documents.migrations.0005_reindex_lexical_without_multi_word_dictionary")
    editor = SimpleNamespace(connection=connection)
    migration.queue_reindex(apps, editor)  # a new database: nothing to queue

    document = upload("a.txt", "견본품은 월 1회 신청한다.", "견본품 신청 안내")
    index_as_an_older_analyser_did(document)
    migration.queue_reindex(apps, editor)  # the tests' task backend runs the queued job at once

    assert keyword_hits("견본품") == [document]


def test_a_compound_disease_name_is_analysed_word_by_word():
    # Kiwi's multi-word dictionary (not loaded: slow to load) read "중증 근무력증" as one name.
    assert lexical_terms("중증 근무력증 환자") == ["중증", "근", "무력증", "환자"]
