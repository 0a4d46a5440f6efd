"""`/` says what the service is; Swagger UI and ReDoc come from our own static files (no CDN)."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_root_is_a_korean_landing_page_linking_admin_docs_and_readiness(client):
    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="ko">' in page
    assert "제약 영업 지식·챗봇 플랫폼" in page
    for link in ("/admin/", "/api/docs/", "/api/redoc/", "/readyz"):
        assert f'href="{link}"' in page


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_their_scripts_from_the_project_not_a_cdn(client, url):
    page = client.get(url).content.decode()

    # Swagger UI's start-up script is served by the docs view itself (?script=), so the page has no inline script.
    scripts = [src for src in re.findall(r'<script[^>]+src="([^"]+)"', page) if not src.startswith(f"{url}?script")]
    assert scripts and all(src.startswith("/static/drf_spectacular_sidecar/") for src in scripts)
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    for src in scripts:
        assert finders.find(src.removeprefix("/static/")) is not None, src
