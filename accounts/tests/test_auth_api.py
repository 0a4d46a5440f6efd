import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApprovalStatus, User
from accounts.tests.factories import TEST_PASSWORD, DepartmentFactory, PendingUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def register(client, **extra):
    body = {"email": "New.Rep@Example.kr", "password": TEST_PASSWORD, "name": "김영업", **extra}
    return client.post(reverse("accounts:register"), body, format="json")


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("accounts:token"), {"email": email, "password": password}, format="json")


def test_register_creates_pending_l1_user_even_if_client_asks_for_more(api_client):
    response = register(api_client, access_level=3, is_staff=True, is_superuser=True, approval_status="approved")

    assert response.status_code == 201, response.content
    user = User.objects.get(email="new.rep@example.kr")
    assert user.approval_status == ApprovalStatus.PENDING
    assert user.access_level == 1
    assert not user.is_staff and not user.is_superuser
    assert "승인" in response.json()["detail"]


def test_register_with_an_existing_email_answers_as_for_a_new_one_and_changes_nothing(api_client):
    first = register(api_client)
    again = register(api_client, email="new.rep@EXAMPLE.kr", name="다른사람", password="another-long-phrase-7")

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    user = User.objects.get(email="new.rep@example.kr")
    assert user.name == "김영업" and user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("password, reason", [
    ("12345678", "짧습니다"),
    ("Passw0rd!", "흔한"),
    ("Password2025!", "흔한"),
    ("P@ssw0rd1234", "흔한"),
    ("8374629105", "숫자"),
])
def test_register_refuses_short_common_or_disguised_common_passwords_in_korean(api_client, password, reason):
    response = register(api_client, password=password)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "weak_password"
    assert reason in body["detail"] and body["password"]
    assert not User.objects.filter(email="new.rep@example.kr").exists()


def test_pending_user_cannot_get_token_and_is_told_why(api_client):
    register(api_client)
    response = login(api_client, "new.rep@example.kr")
    assert response.status_code == 403
    assert response.json()["code"] == "account_not_approved"
    assert "승인" in response.json()["detail"]


def test_rejected_user_is_told_the_request_was_rejected(api_client):
    user = PendingUserFactory(approval_status=ApprovalStatus.REJECTED)
    response = login(api_client, user.email)
    assert response.status_code == 403
    assert "거절" in response.json()["detail"]


def test_approved_user_logs_in_case_insensitively_uses_token_and_logs_out(api_client):
    user = UserFactory(email="rep@example.kr")
    response = login(api_client, "REP@example.kr")
    assert response.status_code == 200
    token = response.json()["token"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(reverse("accounts:me"))
    assert me.status_code == 200
    assert me.json()["email"] == user.email

    assert client.post(reverse("accounts:logout")).status_code == 204
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 401
    assert "토큰" in response.json()["detail"]


def test_wrong_password_is_400_and_repeated_failures_are_throttled(api_client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        assert login(api_client, user.email, "wrong-password").status_code == 400
    response = login(api_client, user.email)  # even the right password waits now
    assert response.status_code == 429


def test_me_requires_authentication(api_client):
    assert api_client.get(reverse("accounts:me")).status_code == 401


def test_token_of_user_rejected_later_stops_working(api_client):
    user = UserFactory()
    token = login(api_client, user.email).json()["token"]
    User.objects.filter(pk=user.pk).update(approval_status=ApprovalStatus.REJECTED)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("accounts:me")).status_code == 401


def test_approve_user_command_approves_and_sets_level_and_department(api_client):
    register(api_client)
    DepartmentFactory(code="CARDIO")
    call_command("approve_user", "new.rep@example.kr", "--access-level", "2", "--department", "CARDIO")

    user = User.objects.get(email="new.rep@example.kr")
    assert user.approval_status == ApprovalStatus.APPROVED
    assert user.access_level == 2 and user.department.code == "CARDIO"
    assert user.approved_at is not None
    assert login(api_client, user.email).status_code == 200


def test_bootstrap_admin_is_idempotent(monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.kr")
    monkeypatch.setenv("ADMIN_PASSWORD", TEST_PASSWORD)
    call_command("bootstrap_admin")
    call_command("bootstrap_admin")
    admins = User.objects.filter(email="ops@example.kr")
    assert admins.count() == 1 and admins.get().is_superuser


def test_access_level_outside_1_to_3_is_refused_by_the_database():
    from django.db import IntegrityError

    user = UserFactory()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(access_level=4)
