"""Liveness (/healthz) and readiness (/readyz) probes. No authentication: load balancers call them."""

from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from config.db import database_problem
from documents.storage import storage_problem

OK, DEGRADED, FAIL = "ok", "degraded", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str = ""


def check_database() -> Check:
    problem = database_problem(settings.DATABASES[DEFAULT_DB_ALIAS])
    return Check("database", FAIL, problem) if problem else Check("database", OK)


def check_migrations() -> Check:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        return Check("migrations", FAIL, f"unapplied migrations: {names}. Run: python manage.py migrate")
    return Check("migrations", OK)


def check_pgvector() -> Check:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    if not row:
        return Check("pgvector", FAIL, "the 'vector' extension is not installed in this database. Run "
                     "python manage.py migrate, or as a superuser: CREATE EXTENSION IF NOT EXISTS vector;")
    return Check("pgvector", OK, f"vector {row[0]}")


def check_storage() -> Check:
    """Document files: the S3 bucket answers (HEAD bucket) or MEDIA_ROOT is writable. No internal URL in the detail."""
    problem = storage_problem()
    return Check("storage", FAIL, problem) if problem else Check("storage", OK)


def run_readiness_checks() -> list[Check]:
    checks = []
    for path in settings.READINESS_CHECKS:
        check = import_string(path)
        if checks and checks[0].status == FAIL and checks[0].name == "database":
            checks.append(Check(path.rsplit(".", 1)[-1].removeprefix("check_"), FAIL, "skipped: database unreachable"))
            continue
        try:
            checks.append(check())
        except Exception as exc:  # a probe must answer, whatever broke
            checks.append(Check(path.rsplit(".", 1)[-1].removeprefix("check_"), FAIL, str(exc).strip()))
    return checks


@require_GET
def healthz(request):
    return JsonResponse({"status": OK})


@require_GET
def readyz(request):
    checks = run_readiness_checks()
    statuses = {c.status for c in checks}
    overall = FAIL if FAIL in statuses else DEGRADED if DEGRADED in statuses else OK
    body = {"status": overall, "checks": {c.name: {"status": c.status, "detail": c.detail} for c in checks}}
    return JsonResponse(body, status=503 if overall == FAIL else 200)
