"""Start Django for a bench script on a scratch database of the embedded server (never the dev database)."""

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["EMBEDDED_PG_DATABASE"] = database
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DB_POOL_SIZE", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    load = os.getloadavg()[0]
    pg = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return f"nproc {os.cpu_count()}, {mem}, {cpu}, load avg {load:.1f} at start, commit {pg}"


def percentile(values, q):
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def server_settings() -> str:
    """The PostgreSQL settings that matter for these figures, as the server reports them."""
    from django.db import connection

    names = ("server_version", "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem", "jit")
    with connection.cursor() as cursor:
        values = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            values.append(f"{name}={cursor.fetchone()[0]}")
    return ", ".join(values)
