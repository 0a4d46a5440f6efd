import pytest
from django.urls import reverse

from accounts.models import ApprovalStatus, User
from accounts.tests.factories import PendingUserFactory, SuperUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    admin = SuperUserFactory()
    client.force_login(admin)
    client.admin = admin
    return client


def test_admin_index_shows_how_many_users_wait(admin_client_logged_in):
    PendingUserFactory.create_batch(3)
    response = admin_client_logged_in.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "승인 대기 중인 사용자 3명" in response.content.decode()


def test_admin_approve_action_records_who_and_when(admin_client_logged_in):
    pending = PendingUserFactory.create_batch(2)
    response = admin_client_logged_in.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_users", "_selected_action": [str(u.pk) for u in pending]},
        follow=True,
    )
    assert response.status_code == 200
    for user in User.objects.filter(pk__in=[u.pk for u in pending]):
        assert user.approval_status == ApprovalStatus.APPROVED
        assert user.approved_by == admin_client_logged_in.admin
        assert user.approved_at is not None


def test_admin_reject_action(admin_client_logged_in):
    pending = PendingUserFactory()
    admin_client_logged_in.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reject_users", "_selected_action": [str(pending.pk)]},
    )
    pending.refresh_from_db()
    assert pending.approval_status == ApprovalStatus.REJECTED


def test_pending_user_cannot_log_into_admin(client):
    from accounts.tests.factories import TEST_PASSWORD

    user = PendingUserFactory(is_staff=True)
    assert not client.login(email=user.email, password=TEST_PASSWORD)


def test_user_changelist_filters_by_approval_status(admin_client_logged_in):
    PendingUserFactory(name="대기자")
    response = admin_client_logged_in.get(reverse("admin:accounts_user_changelist") + "?approval_status__exact=pending")
    assert response.status_code == 200
    assert "대기자" in response.content.decode()
