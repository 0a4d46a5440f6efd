import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest

from config.db import DatabaseConfigError, configured_database, database_problem, parse_postgres_url

ROOT = Path(__file__).resolve().parents[2]


def env_with(monkeypatch, **values):
    for key in ("DATABASE_URL", "POSTGRES_DSN", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PW",
                "POSTGRES_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return environ.Env()


def test_database_url_wins_over_dsn_and_keys(monkeypatch):
    env = env_with(monkeypatch, DATABASE_URL="postgresql+psycopg://app:s%40cret@db.internal:6543/sales",
                   POSTGRES_DSN="postgresql://other@dsn-host/otherdb", POSTGRES_HOST="keys-host")
    source, db = configured_database(env)
    assert source == "DATABASE_URL"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "db.internal", "6543", "sales", "app", "s@cret")


def test_postgres_dsn_wins_over_keys(monkeypatch):
    env = env_with(monkeypatch, POSTGRES_DSN="postgresql://dsnuser@dsn-host:5433/dsndb", POSTGRES_HOST="keys-host")
    source, db = configured_database(env)
    assert source == "POSTGRES_DSN" and db["HOST"] == "dsn-host" and db["NAME"] == "dsndb"


def test_seed_001_keys_are_used_when_no_url(monkeypatch):
    env = env_with(monkeypatch, POSTGRES_HOST="10.0.0.5", POSTGRES_PORT="5544", POSTGRES_USER="pharma",
                   POSTGRES_PW="pw", POSTGRES_DATABASE="playground")
    source, db = configured_database(env)
    assert source == "POSTGRES_*"
    assert (db["HOST"], db["PORT"], db["USER"], db["PASSWORD"], db["NAME"]) == (
        "10.0.0.5", "5544", "pharma", "pw", "playground")


def test_socket_host_in_query_string_is_understood():
    db = parse_postgres_url("postgresql://postgres@/pharma?host=/tmp/pg")
    assert db["HOST"] == "/tmp/pg" and db["NAME"] == "pharma"


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://root@localhost/app"])
def test_non_postgres_urls_are_refused_with_a_clear_message(monkeypatch, url):
    env = env_with(monkeypatch, DATABASE_URL=url)
    with pytest.raises(DatabaseConfigError, match="requires PostgreSQL"):
        configured_database(env)


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "DATABASE_URL"))}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_sqlite_url_stops_manage_py_with_one_line():
    result = run_manage("migrate", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "requires PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_server_stops_migrate_with_one_clear_line():
    result = run_manage("migrate", DATABASE_URL="postgresql://app:pw@127.0.0.1:1/salesdb")
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "127.0.0.1:1" in line and "salesdb" in line and "Hint" in line


def test_database_problem_names_host_port_and_reason():
    problem = database_problem({"HOST": "127.0.0.1", "PORT": "1", "NAME": "x", "USER": "u", "PASSWORD": "p"})
    assert problem.startswith("Cannot reach PostgreSQL at 127.0.0.1:1, database 'x'")


def test_pool_settings_are_a_lazy_ceiling_with_a_small_floor():
    from config.settings.base import database_pool_options

    options = database_pool_options(pool_size=20, max_overflow=10, min_size=1, max_idle=60, timeout=3, recycle=3600)

    assert options == {"min_size": 1, "max_size": 30, "max_idle": 60.0, "max_lifetime": 3600.0, "timeout": 3.0}
    assert database_pool_options(pool_size=20, max_overflow=10, min_size=20, max_idle=60, timeout=3,
                                 recycle=3600)["min_size"] == 2
