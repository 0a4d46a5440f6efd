import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached dictionaries (synonyms, the answer composer's products and attributes) never outlive a test's data."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def auth_client(user):
    """An API client logged in (token) as an approved L1 user."""
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def client_for():
    """Build an API client authenticated as the given user: client_for(user)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        client.user = user
        return client

    return make
