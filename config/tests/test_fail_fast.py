"""Every entry point stops with one line (reason and hint) when the database cannot be used."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from config.db import describe_unreachable, repair_embedded_state_file

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgresql://app:pw@127.0.0.1:1/salesdb"


def run(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", **env_overrides})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def assert_one_line(result, *needles):
    assert result.returncode == 1, result.stdout + result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    for needle in needles:
        assert needle in line, line


@pytest.mark.parametrize("command", [["approve_user", "someone@example.kr"], ["shell", "-c", "print(1)"],
                                     ["purge_search_history", "--dry-run"]])
def test_any_command_stops_with_one_line_when_the_database_is_unreachable(command):
    assert_one_line(run(["manage.py", *command], DATABASE_URL=UNREACHABLE), "127.0.0.1:1", "salesdb", "Hint")


@pytest.mark.parametrize("module", ["config.asgi", "config.wsgi"])
def test_wsgi_and_asgi_entry_points_stop_with_one_line_when_the_database_is_unreachable(module):
    # PYTHONWARNINGS: WhiteNoise warns that this source tree has no collectstatic output (the image has).
    result = run(["-c", f"import {module}"], DJANGO_SETTINGS_MODULE="config.settings.production",
                 DATABASE_URL=UNREACHABLE, SECRET_KEY="x" * 60, ALLOWED_HOSTS="pharma.example.kr",
                 PYTHONWARNINGS="ignore::UserWarning")
    assert_one_line(result, "127.0.0.1:1", "Hint")


def test_too_many_clients_gets_a_hint_about_pool_sizes():
    line = describe_unreachable({"HOST": "db", "PORT": "5432", "NAME": "pharma"},
                                'FATAL:  sorry, too many clients already')
    assert "too many clients" in line and "DB_POOL_SIZE" in line and "max_connections" in line


@pytest.mark.parametrize("content", ["", "[12, 3", "{}", "null"])
def test_an_empty_or_corrupt_embedded_state_file_is_reset_with_a_note(tmp_path, capsys, content):
    (tmp_path / ".handle_pids.json").write_text(content)

    assert repair_embedded_state_file(tmp_path) is True

    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == []
    note = capsys.readouterr().err.strip()
    assert note.startswith("note: ") and "\n" not in note


def test_a_valid_embedded_state_file_is_left_alone(tmp_path, capsys):
    (tmp_path / ".handle_pids.json").write_text("[101, 202]")
    assert repair_embedded_state_file(tmp_path) is False
    assert (tmp_path / ".handle_pids.json").read_text() == "[101, 202]" and capsys.readouterr().err == ""


@pytest.mark.django_db
def test_manage_py_carries_on_after_the_embedded_state_file_was_left_empty():
    data_dir = Path(os.environ.get("EMBEDDED_PG_DIR", ROOT / ".data" / "postgres")).resolve()
    assert connection.settings_dict["HOST"].startswith("/")  # the tests run on the embedded server
    (data_dir / ".handle_pids.json").write_text("")

    result = run(["manage.py", "check"])

    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert "Traceback" not in result.stderr


@pytest.fixture
def owner_without_superuser():
    """A database owned by a role that may not create the vector extension (as on many managed servers)."""
    settings_dict, suffix = connection.settings_dict, uuid.uuid4().hex[:8]
    role, database = f"owner_{suffix}", f"noext_{suffix}"
    admin = psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"], dbname="postgres",
                            user="postgres", autocommit=True)
    admin.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
    admin.execute(f"CREATE DATABASE {database} OWNER {role}")
    yield f"postgresql://{role}@/{database}?host={settings_dict['HOST']}&port={settings_dict['PORT']}", database
    admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin.execute(f"DROP ROLE IF EXISTS {role}")
    admin.close()


@pytest.mark.django_db
def test_migrate_as_an_owner_without_superuser_names_the_sql_a_superuser_must_run(owner_without_superuser):
    url, database = owner_without_superuser

    result = run(["manage.py", "migrate", "--no-input"], DATABASE_URL=url)

    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert "CREATE EXTENSION IF NOT EXISTS vector" in line and database in line and "superuser" in line
