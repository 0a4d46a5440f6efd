#!/usr/bin/env python
"""Sales data at scale: generate N sales records in a scratch database and time the paths people use.

    python bench/sales_bench.py                     # quick run: 100,000 records
    python bench/sales_bench.py --records 1000000   # the figures in docs/notes/issue-3.md

Works on the configured PostgreSQL server (the embedded one by default) but in its own database
(`--database`, default `sales_bench`), created on first use and reused afterwards (records are topped
up or trimmed to --records). Never part of the test suite. Prints: data size, API list p50/p95 per
filter, admin changelist times, refresh_performance time, import throughput and peak memory, machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="sales records to have (default 100,000)")
    parser.add_argument("--database", default="sales_bench", help="scratch database name (default sales_bench)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per API case (default 30)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows in the import test file")
    parser.add_argument("--drop", action="store_true", help="drop the scratch database at the end")
    return parser.parse_args()


def setup_django(database: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{database}"')
    settings.DATABASES["default"]["NAME"] = database
    connections["default"].settings_dict["NAME"] = database
    connection.close()


def database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
    if db["HOST"].startswith("/"):
        return f"postgresql://{auth}@/{db['NAME']}?host={quote(db['HOST'])}&port={db['PORT']}"
    return f"postgresql://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def generate_records(target: int) -> tuple[int, float]:
    """Top up sales_salesrecord to `target` rows with INSERT ... SELECT generate_series (random current pairs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales_salesrecord")
        have = cursor.fetchone()[0]
        if have > target:
            cursor.execute("DELETE FROM sales_salesrecord WHERE id IN (SELECT id FROM sales_salesrecord "
                           "ORDER BY id DESC LIMIT %s)", [have - target])
            return target, 0.0
        started = time.perf_counter()
        remaining = target - have
        while remaining > 0:
            chunk = min(remaining, 250_000)
            cursor.execute(
                """
                WITH a AS (SELECT array_agg(employee_id ORDER BY id) AS e, array_agg(customer_id ORDER BY id) AS c,
                                  count(*)::int AS n FROM sales_assignment WHERE end_date IS NULL),
                     p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(unit_price ORDER BY id) AS prices,
                                  count(*)::int AS n FROM sales_product)
                INSERT INTO sales_salesrecord (employee_id, customer_id, product_id, sale_date, quantity,
                                               unit_price, amount)
                SELECT a.e[r.k], a.c[r.k], p.ids[r.j], current_date - r.d, r.q, p.prices[r.j], p.prices[r.j] * r.q
                FROM a, p, LATERAL (
                    SELECT 1 + floor(random() * a.n)::int AS k, 1 + floor(random() * p.n)::int AS j,
                           floor(random() * 730)::int AS d, 1 + floor(random() * 50)::int AS q, g
                    FROM generate_series(1, %s) AS g
                ) AS r
                """,
                [chunk],
            )
            remaining -= chunk
            print(f"  … {target - remaining:,} records", file=sys.stderr)
        cursor.execute("ANALYZE sales_salesrecord")
        return target, time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def api_cases(users, ids, today):
    import datetime

    quarter_ago = (today - datetime.timedelta(days=90)).isoformat()
    year_ago = (today - datetime.timedelta(days=365)).isoformat()
    return [
        ("rep", "L1 rep: sales-records/ (no filter)", "/api/sales/sales-records/", {}),
        ("rep", "L1 rep: sales-records/ last 90 days + product", "/api/sales/sales-records/",
         {"date_from": quarter_ago, "product": ids["product"]}),
        ("rep", "L1 rep: customers/", "/api/sales/customers/", {}),
        ("rep", "L1 rep: interactions/", "/api/sales/interactions/", {}),
        ("manager", "L3 manager: sales-records/ last 365 days", "/api/sales/sales-records/",
         {"date_from": year_ago}),
        ("manager", "L3 manager: sales-records/ region=서울, ordering=-amount", "/api/sales/sales-records/",
         {"region": "서울", "ordering": "-amount"}),
        ("manager", "L3 manager: performance/ last 12 months", "/api/sales/performance/",
         {"month_from": (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1).isoformat()}),
        ("admin", "superuser: sales-records/ (no filter, 1st page)", "/api/sales/sales-records/", {}),
        ("admin", "superuser: sales-records/ customer + date range", "/api/sales/sales-records/",
         {"customer": ids["customer"], "date_from": year_ago, "date_to": today.isoformat()}),
        ("admin", "superuser: sales-records/ department=ONCO, page 20", "/api/sales/sales-records/",
         {"department": "ONCO", "page": 20}),
    ]


def run_api(users, ids, today, repeat):
    from rest_framework.test import APIClient

    from accounts.services import token_issue

    clients = {}
    for role, user in users.items():
        _token, key = token_issue(user=user, device_name="sales_bench")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        clients[role] = client
    rows = []
    for role, label, url, params in api_cases(users, ids, today):
        client = clients[role]
        for _ in range(2):
            response = client.get(url, params)
            assert response.status_code == 200, (label, response.status_code, response.content[:300])
        times = []
        for _ in range(repeat):
            elapsed, response = timed(lambda: client.get(url, params))
            times.append(elapsed * 1000)
        rows.append((label, response.json()["count"], statistics.median(times), percentile(times, 0.95)))
    return rows


def run_admin(superuser, ids):
    from django.test import Client

    client = Client()
    client.force_login(superuser)
    cases = [
        ("sales records changelist", "/admin/sales/salesrecord/", {}),
        ("… filtered by department", "/admin/sales/salesrecord/", {"employee__department__id__exact": ids["dept"]}),
        ("… date hierarchy (one month)", "/admin/sales/salesrecord/",
         {"sale_date__year": ids["year"], "sale_date__month": ids["month"]}),
        ("… search '한빛'", "/admin/sales/salesrecord/", {"q": "한빛"}),
        ("customer change page (chart)", f"/admin/sales/customer/{ids['customer']}/change/", {}),
        ("performance changelist", "/admin/sales/customermonthlyperformance/", {}),
    ]
    rows = []
    for label, url, params in cases:
        response = client.get(url, params)
        assert response.status_code == 200, (label, response.status_code)
        times = [timed(lambda: client.get(url, params))[0] * 1000 for _ in range(5)]
        rows.append((label, statistics.median(times), max(times)))
    return rows


def run_import(rows: int, ids) -> dict:
    """Write a CSV of `rows` valid lines and import it in a child process (its own peak memory)."""
    from sales.models import Assignment, Product

    pairs = list(Assignment.objects.current().values_list("employee__employee_no", "customer__code")[:500])
    products = list(Product.objects.values_list("code", flat=True))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-import.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sale_date", "employee_no", "customer_code", "product_code", "quantity"])
            for i in range(rows):
                employee_no, customer_code = pairs[i % len(pairs)]
                writer.writerow([f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", employee_no, customer_code,
                                 products[i % len(products)], i % 40 + 1])
        env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        elapsed, result = timed(lambda: subprocess.run(
            [sys.executable, "manage.py", "import_sales", str(path), "--no-refresh", "--no-progress"],
            cwd=ROOT, env=env, capture_output=True, text=True))
        if result.returncode != 0:
            raise SystemExit(result.stderr[-2000:])
        peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        size = path.stat().st_size
    return {"rows": rows, "seconds": elapsed, "rate": rows / elapsed, "peak_mb": peak_kb / 1024,
            "file_mb": size / 1e6}


def machine() -> str:
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {ram} RAM, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


def main():
    args = parse_args()
    setup_django(args.database)
    import datetime

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from sales import demo
    from sales.models import Customer, Employee, Interaction, SalesRecord
    from sales.services import performance_refresh

    print(f"# Sales benchmark — `python bench/sales_bench.py --records {args.records}`\n")
    call_command("migrate", verbosity=0)
    seed_seconds, _ = timed(lambda: call_command("seed_demo", stdout=open(os.devnull, "w")))
    records, insert_seconds = generate_records(args.records)
    refresh_blocking, _ = timed(lambda: performance_refresh(concurrently=False))
    refresh_seconds, _ = timed(lambda: call_command("refresh_performance", stdout=open(os.devnull, "w")))

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_total_relation_size('sales_salesrecord')), "
                       "pg_size_pretty(pg_database_size(current_database()))")
        version, table_size, db_size = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM customer_monthly_performance_mv")
        mv_rows = cursor.fetchone()[0]

    today = timezone.localdate()
    users = {"rep": User.objects.get(email=demo.REP_EMAIL), "manager": User.objects.get(email=demo.MANAGER_EMAIL),
             "admin": User.objects.get(email="admin@demo.pharma.kr")}
    month_ago = today - datetime.timedelta(days=31)
    flagship = Customer.objects.get(name=demo.FLAGSHIP_CUSTOMER)
    ids = {"customer": flagship.pk, "product": SalesRecord.objects.filter(customer=flagship).values_list(
        "product_id", flat=True).first(), "dept": Employee.objects.get(user=users["manager"]).department_id,
        "year": month_ago.year, "month": month_ago.month}

    print(f"- machine: {machine()}")
    print(f"- PostgreSQL: {version.split(' on ')[0]}; database `{args.database}` {db_size}")
    print(f"- data: {records:,} sales records (table + indexes {table_size}), {Customer.objects.count()} customers, "
          f"{Employee.objects.count()} employees, {Interaction.objects.count():,} interactions, "
          f"{mv_rows:,} rows in customer_monthly_performance_mv")
    print(f"- generation: seed_demo {seed_seconds:.1f}s, INSERT … SELECT generate_series {insert_seconds:.1f}s\n")

    print(f"## API list (`{args.requests}` requests each, token auth, in-process client)\n")
    print("| case | count | p50 ms | p95 ms |\n|---|---:|---:|---:|")
    for label, count, p50, p95 in run_api(users, ids, today, args.requests):
        print(f"| {label} | {count:,} | {p50:.1f} | {p95:.1f} |")

    print("\n## Admin (superuser, median of 5)\n")
    print("| page | median ms | max ms |\n|---|---:|---:|")
    for label, median, worst in run_admin(users["admin"], ids):
        print(f"| {label} | {median:.1f} | {worst:.1f} |")

    print("\n## Materialized view\n")
    print(f"- `refresh_performance` (CONCURRENTLY): {refresh_seconds:.2f}s; plain REFRESH: {refresh_blocking:.2f}s")

    result = run_import(args.import_rows, ids)
    print("\n## Import (`manage.py import_sales FILE --no-refresh`, child process)\n")
    print(f"- {result['rows']:,} rows ({result['file_mb']:.1f} MB CSV) in {result['seconds']:.1f}s: "
          f"**{result['rate']:,.0f} rows/s**, peak RSS {result['peak_mb']:.0f} MB (process start included)")
    with connection.cursor() as cursor:  # keep the scratch data at --records for the next run
        cursor.execute("DELETE FROM sales_salesrecord WHERE sale_date < '2025-01-01' AND sale_date >= '2024-01-01' "
                       "AND id > (SELECT max(id) FROM sales_salesrecord) - %s", [result["rows"]])

    if args.drop:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
