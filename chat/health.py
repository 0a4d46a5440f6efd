"""Readiness of the answer generator: an unreachable LLM server is 'degraded', not a failure,
because answers then fall back to the extractive provider."""

from django.conf import settings

from config.health import DEGRADED, OK, Check


def check_llm() -> Check:
    if settings.LLM_PROVIDER != "openai":
        return Check("llm", OK, f"{settings.LLM_PROVIDER} (no model server needed)")
    import requests

    base_url = settings.LLM_BASE_URL.rstrip("/")
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    try:
        response = requests.get(f"{base_url}/models", headers=headers, timeout=min(3.0, settings.LLM_TIMEOUT_SECONDS))
    except requests.RequestException as exc:
        return Check("llm", DEGRADED, f"{base_url} unreachable ({type(exc).__name__}); answers fall back to extractive")
    if response.status_code >= 400:
        return Check("llm", DEGRADED, f"{base_url}/models answered HTTP {response.status_code}; "
                                      "answers fall back to extractive")
    return Check("llm", OK, f"{settings.LLM_MODEL} at {base_url}")
