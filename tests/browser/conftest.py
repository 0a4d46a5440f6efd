"""Headless Chromium (Debian's package; `playwright install` cannot download browsers here) against
pytest-django's live server. A failing test leaves a screenshot of its page in .test-artifacts/."""

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / ".test-artifacts"


@pytest.fixture(scope="module")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (bin/test does it when run as root)")
    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests themselves are
        # ordinary synchronous calls between browser steps. Only while this module's browser runs
        # (`manage.py check --deploy` in other tests refuses the variable).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Playwright's event loop gives this thread a new context, hence new Django connection objects:
        # hand them the database snapshot that serialized_rollback restores between tests.
        if serialized is not None:
            connections["default"]._test_serialized_contents = serialized
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_in_call = report.failed


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) on the live server; offline: any request leaving it is aborted."""
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul")
    context.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    yield page
    if getattr(request.node, "failed_in_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    context.close()


@pytest.fixture(scope="session", autouse=True)
def restore_migrated_rows_after_browser_tests(django_db_setup, django_db_blocker):
    """Live-server tests empty every table when they finish (serialized_rollback puts the migrations' rows
    back only before the next such test): restore them at the end, so a reused test database keeps its
    persona groups and permissions."""
    yield
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
