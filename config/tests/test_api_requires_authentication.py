"""Every API endpoint refuses anonymous callers, except the few that exist for signing in."""

import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

PUBLIC = {"/api/auth/register/", "/api/auth/token/"}


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method


def _resolves(url):
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        return False
    return True


@pytest.mark.django_db
def test_every_api_endpoint_but_sign_in_requires_authentication(client):
    operations = list(api_operations())
    assert len(operations) > 40  # all five apps' endpoints are in the schema

    open_endpoints = []
    for path, method in operations:
        if path in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        if not _resolves(url):  # integer primary keys
            url = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(client, method)(url, content_type="application/json")
        if response.status_code not in (401, 403):
            open_endpoints.append(f"{method.upper()} {path} -> {response.status_code}")
    assert open_endpoints == []
