"""Login protection: shared failure counts, lockouts an attacker cannot aim at someone else, constant work,
per-device expiring tokens."""

import datetime

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(email, password=TEST_PASSWORD, *, address="10.0.0.1", **extra):
    client = APIClient(REMOTE_ADDR=address)
    return client.post(reverse("accounts:token"), {"email": email, "password": password, **extra}, format="json")


def as_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_failures_are_counted_in_the_database_cache_every_process_shares(settings):
    user = UserFactory()
    login(user.email, "wrong-password")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pharma_shared_cache WHERE cache_key LIKE %s", ["%login-fail%"])
        assert cursor.fetchone()[0] >= 1
    assert settings.CACHES[settings.LOGIN_CACHE_ALIAS]["BACKEND"].endswith("DatabaseCache")


def test_attacker_behind_the_same_address_cannot_lock_out_a_device_that_logged_in_before(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory()
    device_key = login(user.email, address="192.168.0.7").json()["device_key"]

    for _ in range(5):
        login(user.email, "guess-123456", address="192.168.0.7")
    assert login(user.email, address="192.168.0.7").status_code == 429  # a new device there waits

    response = login(user.email, address="192.168.0.7", device_key=device_key)
    assert response.status_code == 200, response.content


def test_a_trusted_device_is_locked_only_by_its_own_failures(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory()
    device_key = login(user.email).json()["device_key"]
    for _ in range(3):
        assert login(user.email, "wrong-password", device_key=device_key).status_code == 400
    response = login(user.email, device_key=device_key)
    assert response.status_code == 429
    assert "초 후" in response.json()["detail"] and response.json()["code"] == "too_many_login_failures"


def test_device_key_of_another_email_gives_no_trust(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    other, victim = UserFactory(), UserFactory()
    foreign_key = login(other.email).json()["device_key"]
    for _ in range(2):
        login(victim.email, "wrong-password", device_key=foreign_key)
    assert login(victim.email, device_key=foreign_key).status_code == 429


def test_many_failures_for_one_email_only_slow_other_clients_down(settings):
    settings.LOGIN_EMAIL_FAILURE_LIMIT = 4
    settings.LOGIN_EMAIL_DELAY_SECONDS = 1
    user = UserFactory()
    trusted = login(user.email, address="10.9.9.9").json()["device_key"]
    for n in range(4):  # a distributed guesser: a new address each time
        login(user.email, "wrong-password", address=f"172.16.0.{n}")

    waiting = login(user.email, address="172.16.1.1")
    assert waiting.status_code == 429 and waiting.json()["retry_after"] == 1
    assert login(user.email, address="10.9.9.9", device_key=trusted).status_code == 200

    with connection.cursor() as cursor:  # the delay has passed
        cursor.execute("DELETE FROM pharma_shared_cache WHERE cache_key LIKE %s", ["%login-wait%"])
    assert login(user.email, address="172.16.1.1").status_code == 200


def test_one_address_guessing_many_emails_is_refused_at_the_address_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    users = [UserFactory() for _ in range(5)]
    for user in users[:4]:
        assert login(user.email, "wrong-password", address="203.0.113.5").status_code == 400
    assert login(users[4].email, address="203.0.113.5").status_code == 429
    assert login(users[4].email, address="203.0.113.6").status_code == 200


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("case", ["unknown email", "known email, wrong password", "known email, right password"])
def test_login_hashes_the_password_exactly_once_whether_or_not_the_email_exists(settings, case):
    settings.PASSWORD_HASHERS = ["accounts.tests.test_login_protection.CountingHasher"]
    user = UserFactory()
    email = "nobody@example.kr" if case == "unknown email" else user.email
    password = TEST_PASSWORD if case.endswith("right password") else "wrong-password-1"
    CountingHasher.calls = 0
    response = login(email, password)
    assert response.status_code == (200 if case.endswith("right password") else 400)
    assert CountingHasher.calls == 1


def test_each_login_is_a_device_token_and_logout_revokes_only_that_device():
    user = UserFactory()
    phone = login(user.email, device_name="휴대폰").json()
    tablet = login(user.email, device_name="태블릿").json()
    assert phone["token"] != tablet["token"]
    assert sorted(AuthToken.objects.filter(user=user).values_list("device_name", flat=True)) == ["태블릿", "휴대폰"]

    assert as_token(phone["token"]).post(reverse("accounts:logout")).status_code == 204
    assert as_token(phone["token"]).get(reverse("accounts:me")).status_code == 401
    assert as_token(tablet["token"]).get(reverse("accounts:me")).status_code == 200


def test_logout_all_revokes_every_device():
    user = UserFactory()
    keys = [login(user.email, device_name=name).json()["token"] for name in ("휴대폰", "태블릿", "노트북")]
    response = as_token(keys[0]).post(reverse("accounts:logout-all"))
    assert response.status_code == 200 and response.json()["revoked"] == 3
    assert all(as_token(key).get(reverse("accounts:me")).status_code == 401 for key in keys)


def test_token_expires_after_the_configured_hours(settings):
    settings.AUTH_TOKEN_TTL_HOURS = 8
    user = UserFactory()
    body = login(user.email).json()
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=8))) < datetime.timedelta(minutes=1)

    AuthToken.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = as_token(body["token"]).get(reverse("accounts:me"))
    assert response.status_code == 401
    assert "만료" in response.json()["detail"]


def test_token_key_is_not_stored_only_its_digest():
    user = UserFactory()
    key = login(user.email).json()["token"]
    assert not AuthToken.objects.filter(digest=key).exists()
    assert AuthToken.objects.filter(digest=AuthToken.digest_of(key), user=user).exists()
