"""TraceLog writes. `record_trace` is the one function other jobs (document processing, imports) call
to leave an error or a timing in system_trace_logs; a failure to write a trace never breaks the caller."""

import logging
import time
from contextlib import contextmanager

from django.db import transaction

from core.models import Outcome, TraceLog

logger = logging.getLogger(__name__)


def record_trace(*, step: str, outcome: str = Outcome.OK, duration_ms: int | float = 0, error: str = "",
                 request_id: str = "", message=None, detail: dict | None = None) -> TraceLog | None:
    try:
        with transaction.atomic():
            return TraceLog.objects.create(
                step=step[:50], outcome=outcome, duration_ms=max(0, round(duration_ms)), error=str(error or ""),
                request_id=str(request_id or "")[:64], message=message, detail=detail or {},
            )
    except Exception:  # noqa: BLE001 - tracing must not take the traced job down with it
        logger.exception("could not record trace for step %s", step)
        return None


class Step:
    """What a traced step reports: set outcome, error and detail inside the `with` block."""

    def __init__(self):
        self.outcome = Outcome.OK
        self.error = ""
        self.detail: dict = {}
        self.duration_ms = 0


@contextmanager
def traced(step: str, *, request_id: str):
    """Time a step and write its TraceLog row; an exception is recorded as outcome=error and re-raised."""
    info = Step()
    started = time.perf_counter()
    try:
        yield info
    except Exception as exc:
        info.outcome, info.error = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
        raise
    finally:
        info.duration_ms = round((time.perf_counter() - started) * 1000)
        record_trace(step=step, outcome=info.outcome, duration_ms=info.duration_ms, error=info.error,
                     request_id=request_id, detail=info.detail)
