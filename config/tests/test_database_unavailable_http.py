"""A real server process (runserver, pooled) in front of the real embedded PostgreSQL: more clients than the
pool has connections, and an outage, answer a JSON 503 with Retry-After in Korean, not a hang or an HTML 500."""

import socket
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
from django.db import connection

from accounts.services import token_issue
from accounts.tests.factories import UserFactory
from core.tests.outage import app_env, proxy_for, start_manage, wait_for

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]
POOL_MAX = 2


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    proxy = proxy_for(connection.settings_dict)
    port, log = free_port(), tmp_path / "server.log"
    env = app_env(proxy, connection.settings_dict["NAME"], DB_POOL_SIZE=str(POOL_MAX), DB_MAX_OVERFLOW="0",
                  DB_POOL_MIN_SIZE="0", DB_POOL_TIMEOUT="1", ALLOWED_HOSTS="127.0.0.1")
    process = start_manage(["runserver", f"127.0.0.1:{port}", "--noreload"], env, log)
    base = f"http://127.0.0.1:{port}"

    def healthy():
        try:
            return requests.get(f"{base}/healthz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(healthy, what="runserver", log=log, timeout=60)
    yield base, proxy
    process.terminate()
    process.wait(10)
    proxy.cut()


@pytest.fixture
def token():
    return token_issue(user=UserFactory())[1]


def assert_korean_503(response):
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "database_unavailable" and "다시 시도해 주세요" in body["detail"]


def test_more_clients_than_the_pool_get_503s_while_the_pool_is_busy_then_200s(server, token):
    base, _ = server
    settings_dict = connection.settings_dict
    # Hold every pooled connection: the first POOL_MAX requests wait on this lock with their connection.
    blocker = psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"], dbname=settings_dict["NAME"],
                              user="postgres")
    blocker.execute("LOCK TABLE accounts_authtoken IN ACCESS EXCLUSIVE MODE")
    clients = POOL_MAX + 3
    with ThreadPoolExecutor(clients) as pool:
        get = lambda _: requests.get(f"{base}/api/auth/me/", headers={"Authorization": f"Token {token}"},  # noqa: E731
                                     timeout=30)
        futures = [pool.submit(get, n) for n in range(clients)]
        wait_for(lambda: sum(f.done() for f in futures) == clients - POOL_MAX, what="the refused requests")
        blocker.rollback()  # release the lock: the waiting requests finish
        responses = [f.result() for f in futures]
    blocker.close()

    refused = [r for r in responses if r.status_code == 503]
    assert sorted(r.status_code for r in responses) == [200] * POOL_MAX + [503] * (clients - POOL_MAX)
    for response in refused:
        assert_korean_503(response)


def test_database_outage_answers_503_then_the_same_server_recovers(server, token):
    base, proxy = server
    headers = {"Authorization": f"Token {token}"}
    assert requests.get(f"{base}/api/auth/me/", headers=headers, timeout=30).status_code == 200

    proxy.cut()
    during = requests.get(f"{base}/api/auth/me/", headers=headers, timeout=30)
    ready = requests.get(f"{base}/readyz", timeout=30)
    proxy.restore()

    assert_korean_503(during)
    assert ready.status_code == 503 and ready.json()["checks"]["database"]["status"] == "fail"
    wait_for(lambda: requests.get(f"{base}/api/auth/me/", headers=headers, timeout=30).status_code == 200,
             what="the server to answer again without a restart")
