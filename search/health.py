"""Readiness check for the OpenSearch backend: degraded (not failed) because search falls back to PostgreSQL."""

from config.health import DEGRADED, OK, Check
from search.backends import opensearch


def check_opensearch() -> Check:
    try:
        status = opensearch.ping()
    except opensearch.Unavailable as exc:
        return Check("opensearch", DEGRADED, f"unreachable, searching PostgreSQL instead: {exc}")
    if status == "red":
        return Check("opensearch", DEGRADED, "cluster status red, searching PostgreSQL may be needed")
    return Check("opensearch", OK, f"cluster status {status}")
