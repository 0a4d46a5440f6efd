"""The product sets the in-process model's threads per kind of process and loads the models when a web process
starts (issue 14): checked in fresh processes, since the model's OpenMP runtime reads its thread count once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os
{entry}
from core import text as korean
from documents import embeddings
print(json.dumps({{
    "omp": os.environ.get("OMP_NUM_THREADS"),
    "model_loaded": embeddings._provider.cache_info().currsize == 1 and "model" in vars(embeddings.get_provider()),
    "kiwi_loaded": korean.kiwi.cache_info().currsize == 1,
}}))
"""

WEB = "import config.wsgi"
COMMAND = ("import django; django.setup(); from documents.embeddings import get_provider; "
           "get_provider().embed_query('용량')")


def _run(entry, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "OMP_NUM_THREADS": "8", **env}
    result = subprocess.run([sys.executable, "-c", PROBE.format(entry=entry)], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_web_process_loads_the_models_at_start_with_the_web_thread_count_whatever_the_environment_says():
    started = _run(WEB)

    assert started == {"omp": "2", "model_loaded": True, "kiwi_loaded": True}


@pytest.mark.slow
def test_web_threads_and_preloading_follow_their_settings():
    first_query = "; from documents.embeddings import get_provider; get_provider().embed_query('용량')"
    started = _run(WEB + first_query, EMBEDDING_WEB_THREADS="1", EMBEDDING_PRELOAD="false")

    assert started == {"omp": "1", "model_loaded": True, "kiwi_loaded": False}  # loaded by the query, not at start


@pytest.mark.slow
def test_worker_and_commands_embed_with_the_batch_thread_count():
    assert _run(COMMAND, EMBEDDING_BATCH_THREADS="1", EMBEDDING_WEB_THREADS="3")["omp"] == "1"
