"""Every admin page and browsable API list stays small and does a bounded number of queries with large
sales tables (20k sales records, 5k interactions here; bench/admin_pages.py measures 1M / 100k)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

MAX_BYTES = 300_000
MAX_QUERIES = 30


def admin_pages(superuser, kind):
    class Request:
        user = superuser

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        if kind == "changelist":
            yield opts.label, reverse(f"{prefix}_changelist")
        elif kind == "add" and model_admin.has_add_permission(Request):
            yield opts.label, reverse(f"{prefix}_add")
        elif kind == "change":
            first = model_admin.get_queryset(Request).order_by("pk").values_list("pk", flat=True).first()
            if first is not None:
                yield opts.label, reverse(f"{prefix}_change", args=[first])


def oversized(client, pages, **headers):
    problems, seen = [], 0
    for label, url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        seen += 1
        if response.status_code != 200 or len(response.content) > MAX_BYTES or len(queries) > MAX_QUERIES:
            problems.append(f"{label} {url}: {response.status_code}, {len(response.content):,} bytes, "
                            f"{len(queries)} queries")
    return seen, problems


@pytest.fixture
def admin_client_large(client, large_workspace):
    client.force_login(large_workspace)
    client.get(reverse("admin:index"))  # session and content types cached, as for a person browsing
    client.superuser = large_workspace
    return client


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["changelist", "add", "change"])
def test_every_admin_page_stays_small_with_large_sales_tables(admin_client_large, kind):
    seen, problems = oversized(admin_client_large, admin_pages(admin_client_large.superuser, kind))

    assert seen >= 10
    assert problems == []


@pytest.mark.slow
def test_browsable_api_lists_render_without_giant_selects(admin_client_large):
    pages = [(url, url) for url in ["/api/documents/", "/api/sales/sales-records/", "/api/sales/interactions/",
                                    "/api/sales/customers/", "/api/sales/assignments/", "/api/chat/sessions/"]]

    seen, problems = oversized(admin_client_large, pages, HTTP_ACCEPT="text/html")

    assert seen == len(pages)
    assert problems == []
    page = admin_client_large.get("/api/documents/", HTTP_ACCEPT="text/html").content.decode()
    assert "리피토 제품 설명서" in page
    assert page.count("<option") < 10  # the raw form's media types only, not one per sales record


def test_sales_record_date_drilldown_offers_years_then_months_without_scanning_every_row(client, personas):
    from accounts.tests.factories import SuperUserFactory

    client.force_login(SuperUserFactory())
    year = personas.cardio_sale.sale_date.year
    with CaptureQueriesContext(connection) as queries:
        years = client.get(reverse("admin:sales_salesrecord_changelist")).content.decode()
    months = client.get(reverse("admin:sales_salesrecord_changelist"), {"sale_date__year": year}).content.decode()

    assert f'?sale_date__year={year}">{year}</a>' in years
    assert not any("DISTINCT DATE_TRUNC" in query["sql"] for query in queries.captured_queries)
    month = personas.cardio_sale.sale_date.month
    assert f"{year}년 {month}월" in months and "전체 기간" in months


@pytest.mark.slow
def test_unfiltered_sales_record_list_pages_by_the_row_estimate_and_filtered_lists_count_exactly(
        admin_client_large, monkeypatch):
    from sales.admin import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 1_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sales_salesrecord")
    url = reverse("admin:sales_salesrecord_changelist")

    with CaptureQueriesContext(connection) as unfiltered:
        listing = admin_client_large.get(url)
    with CaptureQueriesContext(connection) as filtered:
        narrowed = admin_client_large.get(url, {"quantity": "3"})

    def counts(queries):
        return [q["sql"] for q in queries.captured_queries if 'COUNT(*) AS "__count" FROM "sales_salesrecord"' in q["sql"]]

    assert listing.status_code == 200 and listing.context["cl"].result_count > 19_000
    assert counts(unfiltered) == []
    assert len(listing.context["cl"].result_list) == 50
    assert narrowed.status_code == 200 and counts(filtered) != []
