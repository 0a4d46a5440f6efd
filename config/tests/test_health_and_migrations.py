import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_and_readyz_answer_without_authentication(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["pgvector"]["status"] == "ok"
    assert body["checks"]["migrations"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_with_the_reason_when_database_is_unreachable(client, settings, monkeypatch):
    from config import health

    unreachable = {**settings.DATABASES["default"], "HOST": "127.0.0.1", "PORT": "1"}
    monkeypatch.setattr(health.settings, "DATABASES", {"default": unreachable})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "Cannot reach PostgreSQL at 127.0.0.1:1" in response.json()["checks"]["database"]["detail"]


@pytest.mark.django_db
def test_api_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_no_model_changes_lack_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_every_migration_reverses_to_zero_and_applies_again():
    """On a scratch database: migrate up, every app to zero, and up again."""
    db = settings.DATABASES["default"]
    name = f"migcheck_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@/{name}?host={db['HOST']}&port={db['PORT']}"
    if not db["HOST"].startswith("/"):
        url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    try:
        manage("migrate", "--no-input")
        # Our apps and the contrib apps that hang on the user model; django-tasks-db ships an
        # irreversible data migration of its own, so it stays applied.
        apps = ["chat", "search", "documents", "sales", "admin", "sessions",
                "accounts", "auth", "contenttypes"]
        for app in apps:
            manage("migrate", app, "zero", "--no-input")
        manage("migrate", "--no-input")
        assert "[ ]" not in manage("showmigrations")
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_missing_pgvector_stops_migrate_with_install_hint(monkeypatch):
    from django.core.management.base import CommandError

    from config import pg_extensions

    monkeypatch.setattr(pg_extensions, "extension_available", lambda schema_editor, name: False)
    operation = pg_extensions.RequiredExtension("vector")
    with connection.schema_editor() as editor, pytest.raises(CommandError, match="pgvector"):
        operation.database_forwards("accounts", editor, None, None)


def test_site_root_leads_to_the_api_documentation(client):
    response = client.get("/")
    assert response.status_code == 200 and 'href="/api/docs/"' in response.content.decode()


def test_health_probes_answer_a_host_outside_allowed_hosts(client):
    """Container healthchecks call by IP or localhost while ALLOWED_HOSTS holds only the real domain."""
    assert client.get("/api/auth/me/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").json()["checks"]["database"]["status"] == "ok"
