import pytest

pytestmark = pytest.mark.django_db


def test_readyz_reports_the_llm_server_and_stays_up_when_it_is_down(client, llm):
    up = client.get("/readyz").json()["checks"]["llm"]
    llm.mode = "error"
    down = client.get("/readyz")

    assert up["status"] == "ok" and "test-double-model" in up["detail"]
    assert down.status_code == 200
    assert down.json()["checks"]["llm"]["status"] == "degraded"
    assert "fall back to extractive" in down.json()["checks"]["llm"]["detail"]


def test_readyz_needs_no_llm_with_the_extractive_provider(client):
    assert client.get("/readyz").json()["checks"]["llm"]["status"] == "ok"
