"""Embedding providers and the dimension check that guards the vector column."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from documents.checks import check_embedding_dimensions, column_dimensions
from documents.embeddings import get_provider
from documents.models import DocumentChunk
from documents.indexing import ChunkDraft, replace_chunks
from documents.tests.factories import DocumentFactory


class FakeEmbeddingServer(BaseHTTPRequestHandler):
    """Test double for an OpenAI-compatible /v1/embeddings server (TEI, vLLM, Ollama, OpenAI).

    Speaks the wire format over real HTTP; each vector is derived from the text so results are stable.
    """

    dimensions = 8
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.headers.get("Authorization") != "Bearer test-token":
            self.send_response(401)
            self.end_headers()
            return
        data = [{"object": "embedding", "index": i,
                 "embedding": [float((len(text) + k) % 5 + 1) for k in range(self.dimensions)]}
                for i, text in enumerate(body["input"])]
        payload = json.dumps({"object": "list", "data": list(reversed(data)), "model": body.get("model")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def embedding_server(settings):
    FakeEmbeddingServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEmbeddingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMBEDDING_PROVIDER = "openai"
    settings.EMBEDDING_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.EMBEDDING_API_KEY = "test-token"
    settings.EMBEDDING_MODEL = "bge-m3"
    settings.EMBEDDING_DIMENSIONS = FakeEmbeddingServer.dimensions
    yield FakeEmbeddingServer
    server.shutdown()
    server.server_close()


def test_openai_compatible_provider_speaks_the_wire_format_and_returns_unit_vectors(embedding_server):
    provider = get_provider()

    vectors = provider.embed_passages(["리피토", "아토르바스타틴 10mg"])
    query = provider.embed_query("콜레스테롤")

    sent = embedding_server.requests[0]
    assert sent["path"] == "/v1/embeddings" and sent["auth"] == "Bearer test-token"
    assert sent["body"] == {"input": ["리피토", "아토르바스타틴 10mg"], "model": "bge-m3"}
    assert len(vectors) == 2 and len(query) == 8 and provider.dimensions == 8
    assert vectors[0] != vectors[1]  # kept in input order although the server answered reversed
    assert all(abs(sum(v * v for v in vector) - 1) < 1e-6 for vector in vectors)


@pytest.mark.skipif(not os.environ.get("EMBEDDING_TEST_BASE_URL"), reason="set EMBEDDING_TEST_BASE_URL to run")
def test_openai_compatible_provider_against_a_real_server(settings):
    settings.EMBEDDING_PROVIDER = "openai"
    settings.EMBEDDING_BASE_URL = os.environ["EMBEDDING_TEST_BASE_URL"]
    settings.EMBEDDING_API_KEY = os.environ.get("EMBEDDING_TEST_API_KEY", "")
    settings.EMBEDDING_MODEL = os.environ.get("EMBEDDING_TEST_MODEL", "")
    settings.EMBEDDING_DIMENSIONS = int(os.environ.get("EMBEDDING_TEST_DIMENSIONS", "384"))

    assert len(get_provider().embed_query("리피토 용량")) == settings.EMBEDDING_DIMENSIONS


def test_sentence_transformers_without_the_package_says_how_to_install_it(settings):
    settings.EMBEDDING_PROVIDER = "sentence-transformers"
    settings.EMBEDDING_MODEL = "jhgan/ko-sroberta-multitask"

    with pytest.raises(ImproperlyConfigured, match="pip install sentence-transformers"):
        get_provider().embed_query("리피토")


def test_unknown_provider_is_named_in_the_error(settings):
    settings.EMBEDDING_PROVIDER = "word2vec"

    with pytest.raises(ImproperlyConfigured, match="choose one of: e5, sentence-transformers, openai"):
        get_provider()


@pytest.mark.django_db
def test_dimension_check_passes_when_provider_setting_and_column_agree():
    assert column_dimensions() == (384, "database")
    assert check_embedding_dimensions() == []


@pytest.mark.django_db
def test_dimension_check_stops_start_up_when_the_setting_differs_from_the_provider(settings):
    settings.EMBEDDING_DIMENSIONS = 768

    errors = check_embedding_dimensions()

    assert [e.id for e in errors] == ["documents.E001"]
    assert "EMBEDDING_DIMENSIONS=384" in errors[0].hint


@pytest.mark.django_db
def test_dimension_check_reads_the_real_column_type(embedding_server):
    errors = check_embedding_dimensions()

    assert [e.id for e in errors] == ["documents.E001"]
    assert "vector(384)" in errors[0].msg and "reembed" in errors[0].hint


@pytest.mark.django_db
def test_reembed_resizes_the_column_and_rebuilds_every_vector(embedding_server):
    document = DocumentFactory()
    replace_chunks(document, [ChunkDraft("리피토 안내"), ChunkDraft("노바스크 안내")], embeddings=[[0.1] * 384] * 2)
    out = StringIO()

    call_command("reembed", stdout=out, stderr=StringIO())

    assert column_dimensions() == (8, "database")
    assert check_embedding_dimensions() == []
    vectors = list(DocumentChunk.objects.filter(document=document).values_list("embedding", flat=True))
    assert [len(v) for v in vectors] == [8, 8]
    assert "조각 2개를 openai(8차원)으로 다시 임베딩했습니다" in out.getvalue()
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_chunk_embedding_hnsw'")
        assert "hnsw" in cursor.fetchone()[0]


def test_manage_py_refuses_to_start_when_dimensions_disagree():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "EMBEDDING_DIMENSIONS": "768"}

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode != 0
    assert "documents.E001" in result.stderr and "EMBEDDING_DIMENSIONS=384" in result.stderr
