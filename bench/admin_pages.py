#!/usr/bin/env python
"""Every admin page (changelist, add, change of each registered model, the custom admin views) and the
browsable API lists: HTML bytes, server time and queries, as the superuser.

    python bench/admin_pages.py                                   # demo data only
    python bench/admin_pages.py --records 1000000 --interactions 100000   # then again at that size

Runs on a scratch database of the embedded server (`--database`, default `admin_bench`), seeded with
`seed_demo` on first use and topped up with INSERT … SELECT generate_series (like bench/sales_bench.py).
`--skip REGEX` leaves pages out (e.g. pages known to take minutes before a fix). Never part of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _django  # noqa: E402
from bench.sales_bench import generate_records  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="admin_bench")
    parser.add_argument("--records", type=int, default=0, help="also measure with this many sales records")
    parser.add_argument("--interactions", type=int, default=0, help="… and this many interactions")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page (median reported)")
    parser.add_argument("--skip", default="", help="regex of page labels not to request")
    return parser.parse_args()


def top_up(records: int, interactions: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales_salesrecord")
        if cursor.fetchone()[0] < records:
            generate_records(records)  # the sales bench's generator: random current customer/employee pairs
        cursor.execute("SELECT count(*) FROM sales_interaction")
        missing = interactions - cursor.fetchone()[0]
        if missing > 0:
            cursor.execute(
                """
                WITH a AS (SELECT array_agg(employee_id ORDER BY id) AS e, array_agg(customer_id ORDER BY id) AS c,
                                  count(*)::int AS n FROM sales_assignment WHERE end_date IS NULL)
                INSERT INTO sales_interaction (employee_id, customer_id, interaction_type, occurred_at, summary,
                                               next_action, created_at)
                SELECT a.e[r.k], a.c[r.k], 'visit', now() - make_interval(hours => r.h), '정기 방문', '', now()
                FROM a, LATERAL (SELECT 1 + floor(random() * a.n)::int AS k, floor(random() * 17000)::int AS h, g
                                 FROM generate_series(1, %s) AS g) AS r
                """, [missing])
        cursor.execute("ANALYZE sales_salesrecord; ANALYZE sales_interaction")


def pages(skip: str):
    from django.contrib import admin
    from django.urls import reverse

    result = [("admin index", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        name = f"{opts.app_label}.{opts.model_name}"
        result.append((f"{name} changelist", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        if model_admin.has_add_permission(_FakeRequest):
            result.append((f"{name} add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
        first = model_admin.get_queryset(_FakeRequest).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            result.append((f"{name} change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                                     args=[first])))
    result += [("search dashboard", reverse("admin:search_dashboard")),
               ("retrieval test", reverse("admin:search_retrieval_test"))]
    for api in ["/api/documents/", "/api/sales/sales-records/", "/api/sales/interactions/", "/api/sales/customers/",
                "/api/sales/assignments/", "/api/sales/contacts/", "/api/chat/sessions/", "/api/search/history/"]:
        result.append((f"browsable API {api}", api))
    return [(label, url) for label, url in result if not (skip and re.search(skip, label))]


class _FakeRequest:
    """What has_add_permission/get_queryset read when asked on behalf of the superuser."""

    user = None


def measure(client, url: str, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    accept = {"HTTP_ACCEPT": "text/html"} if url.startswith("/api/") else {}
    times, response = [], None
    for _ in range(max(1, repeat)):
        connection.queries_log.clear()  # past 9,000 queries the log wraps and the count reads 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, **accept)
            content = response.content
            times.append((time.perf_counter() - started) * 1000)
    return response.status_code, len(content), statistics.median(times), len(queries.captured_queries)


def run(label: str, repeat: int, skip: str) -> dict:
    from django.test import Client

    from accounts.models import User

    superuser = User.objects.filter(is_superuser=True).order_by("created_at").first()
    _FakeRequest.user = superuser
    client = Client()
    client.force_login(superuser)
    rows = {}
    for name, url in pages(skip):
        rows[name] = measure(client, url, repeat)
        status, size, ms, queries = rows[name]
        print(f"  {label:>6} {name:<55} {status} {size / 1024:8.1f} KB {ms:8.0f} ms {queries:4d} q", file=sys.stderr)
    return rows


def sizes() -> str:
    from documents.models import Document
    from sales.models import Interaction, SalesRecord

    return (f"{SalesRecord.objects.count():,} sales records, {Interaction.objects.count():,} interactions, "
            f"{Document.objects.count()} documents")


def main():
    args = parse_args()
    _django.setup(args.database)
    from django.core.management import call_command

    from accounts.models import User

    if not User.objects.filter(is_superuser=True).exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    results = [(sizes(), run("demo", args.repeat, args.skip))]
    if args.records or args.interactions:
        top_up(args.records, args.interactions)
        results.append((sizes(), run("large", args.repeat, args.skip)))

    command = " ".join(["python bench/admin_pages.py", *sys.argv[1:]])
    print(f"# Admin pages — `{command}`\n\n- machine: {_django.machine()}")
    for data, _rows in results:
        print(f"- data: {data}")
    header = " | ".join(f"{which}: KB | ms | queries" for which in ("demo", "large")[:len(results)])
    print(f"\n| page | status | {header} |\n|---|---|" + "---:|---:|---:|" * len(results))
    for name in results[0][1]:
        cells = []
        for _data, rows in results:
            status, size, ms, queries = rows.get(name, ("-", 0, 0, 0))
            cells.append(f"{size / 1024:.1f} | {ms:.0f} | {queries}")
        print(f"| {name} | {results[0][1][name][0]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
