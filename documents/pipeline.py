"""The processing pipeline: extract -> normalise -> split -> embed -> index.

Each step is a small function taking and returning the one contract between steps, `Job`. The runner
records every stage on the document as it goes (`stage`, `stage_started_at`, `stage_timeline` with
start, finish and duration), so nobody has to guess why a document is "in queue". A step that cannot
continue raises `ExtractionError` with a Korean reason; the document is then kept with status `failed`
and that reason in `error`, and can be fixed and reprocessed. Running the pipeline twice gives the same
chunks: the last step replaces them atomically.
"""

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

import numpy

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.db import is_connection_error
from core.traces import record_trace
from documents.chunking import TITLE_MAX_CHARS, headings, pack
from documents.embeddings import get_provider
from documents.errors import ExtractionError
from documents.extraction import Segment, extract as extract_file
from documents.indexing import ChunkDraft, replace_chunks
from documents.models import Document, ProcessingStatus
from documents.signals import document_indexed
from documents.storage import StorageUnavailable, describe_storage_error, is_storage_error, is_storage_outage

logger = logging.getLogger(__name__)

STAGE_LABELS = {"queue": "대기", "extract": "추출", "normalise": "정규화", "split": "분할", "embed": "임베딩",
                "index": "색인"}
SEGMENT_SEPARATOR = "\n\n"


@dataclass
class Job:
    """What one step hands to the next."""

    document: Document
    segments: list[Segment] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    text: str = ""
    segment_offsets: list[int] = field(default_factory=list)
    drafts: list[ChunkDraft] = field(default_factory=list)
    embeddings: list = field(default_factory=list)
    chunk_count: int = 0


def extract(job: Job) -> Job:
    try:
        fileobj = job.document.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise ExtractionError(_("저장된 원본 파일을 찾을 수 없습니다. 파일을 다시 올려 주세요.")) from exc
    with fileobj:
        extracted = extract_file(fileobj, job.document.document_type)
    job.segments, job.metadata = extracted.segments, extracted.metadata
    return job


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
SPACES = re.compile(r"[ \t\u00a0\u3000]+")
BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFC (macOS sends NFD Hangul), no control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    text = "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", text).strip()


def normalise(job: Job) -> Job:
    segments, offsets, offset = [], [], 0
    for segment in job.segments:
        text = normalise_text(segment.text)
        if not text:
            continue
        segments.append(Segment(text=text, page=segment.page, section=unicodedata.normalize("NFC", segment.section)))
        offsets.append(offset)
        offset += len(text) + len(SEGMENT_SEPARATOR)
    if not segments:
        raise ExtractionError(_("추출할 수 있는 텍스트가 없습니다(스캔한 이미지이거나 빈 문서일 수 있습니다). "
                                "텍스트가 들어 있는 파일로 교체한 뒤 다시 처리해 주세요."))
    job.segments, job.segment_offsets = segments, offsets
    job.text = SEGMENT_SEPARATOR.join(segment.text for segment in segments)
    job.metadata["characters"] = len(job.text)
    return job


def split(job: Job) -> Job:
    """Passages of each segment; a passage's section is the heading in effect where it ends.

    Headings come from the format (DOCX heading styles, Markdown, HTML h1-h6: `Segment.section`) and from
    heading-shaped lines in the text itself (PDF, TXT, HWP: chunking.is_heading); a section carries over to
    the next page until another heading starts.
    """
    target = settings.CHUNK_TARGET_CHARS
    drafts, section = [], ""
    for number, (segment, base) in enumerate(zip(job.segments, job.segment_offsets, strict=True)):
        section = segment.section or section
        found = headings(segment.text)
        title_chars = TITLE_MAX_CHARS if number == 0 else 0  # a document's title line stays with what follows
        for span in pack(segment.text, target, breaks=[offset for offset, _name in found], title_chars=title_chars):
            section = next((name for offset, name in reversed(found) if offset < span.end), section)
            drafts.append(ChunkDraft(text=segment.text[span.start:span.end], page=segment.page,
                                     section=section[:200], char_start=base + span.start, char_end=base + span.end))
        if found:
            section = found[-1][1]
    job.drafts = drafts
    job.metadata["passages"] = len(job.drafts)
    return job


def embed(job: Job) -> Job:
    provider = get_provider()
    size = settings.EMBEDDING_BATCH_SIZE
    batches = []
    for start in range(0, len(job.drafts), size):
        texts = [draft.text for draft in job.drafts[start:start + size]]
        batches.append(numpy.asarray(provider.embed_passages(texts), dtype=numpy.float32))
        Document.objects.filter(pk=job.document.pk).update(updated_at=timezone.now())  # heartbeat for the watchdog
    job.embeddings = list(numpy.concatenate(batches)) if batches else []
    job.metadata["embedding_provider"] = provider.name
    return job


def index(job: Job) -> Job:
    document = job.document
    with transaction.atomic():
        job.chunk_count = replace_chunks(document, job.drafts, embeddings=job.embeddings)
        document.content = job.text
        current = Document.objects.select_for_update().filter(pk=document.pk).values_list("metadata", flat=True)
        document.metadata = {**(current.first() or {}), **job.metadata}
        document.status = ProcessingStatus.READY
        document.error = ""
        _save(document, "content", "metadata", "status", "error")
        document_id, count = document.pk, job.chunk_count
        transaction.on_commit(lambda: document_indexed.send(sender=Document, document_id=document_id,
                                                            chunk_count=count))
    return job


STEPS = [("extract", extract), ("normalise", normalise), ("split", split), ("embed", embed), ("index", index)]


def _iso(moment) -> str:
    return moment.isoformat(timespec="milliseconds")


def _save(document: Document, *fields: str) -> None:
    """Write `fields` without failing when the document was deleted meanwhile."""
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now(),
                                                   **{name: getattr(document, name) for name in fields})


def _enter(document: Document, stage: str) -> float:
    now = timezone.now()
    document.stage, document.stage_started_at = stage, now
    document.stage_timeline = {**document.stage_timeline, stage: {"started": _iso(now)}}
    _save(document, "stage", "stage_started_at", "stage_timeline")
    return time.perf_counter()


def _leave(document: Document, stage: str, began: float, *, error: str = "") -> None:
    entry = {**document.stage_timeline.get(stage, {}), "finished": _iso(timezone.now()),
             "seconds": round(time.perf_counter() - began, 3)}
    if error:
        entry["error"] = error
    document.stage_timeline = {**document.stage_timeline, stage: entry}
    _save(document, "stage_timeline")


def _fail(document: Document, stage: str, reason: str) -> None:
    document.status, document.error = ProcessingStatus.FAILED, reason
    _save(document, "status", "error")
    record_trace(step="document_processing", outcome="error", error=str(reason),
                 detail={"document_id": str(document.pk), "stage": stage, "title": document.title})


def wait_for_storage(*, document_id, reason: str, retry_in: timedelta) -> None:
    """The storage was down while the document was processed: it waits in the queue with the reason shown.

    The run does not count against DOCUMENT_MAX_ATTEMPTS: an outage is not the document's fault.
    """
    now = timezone.now()
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return
    document.status, document.error = ProcessingStatus.QUEUED, reason
    document.stage, document.stage_started_at = "queue", now
    document.attempts = max(document.attempts - 1, 0)
    document.stage_timeline = {**document.stage_timeline, "queue": {
        "started": now.isoformat(timespec="milliseconds"), "waiting_for_storage_until":
            (now + retry_in).isoformat(timespec="milliseconds")}}
    document.save(update_fields=["status", "error", "stage", "stage_started_at", "attempts", "stage_timeline",
                                 "updated_at"])


def run_pipeline(document_id) -> str:
    """Process one document from its stored file to searchable chunks; returns the final status."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "missing"  # deleted while it waited in the queue
    document.status, document.error = ProcessingStatus.PROCESSING, ""
    document.attempts += 1
    document.stage_timeline = {key: value for key, value in document.stage_timeline.items() if key == "queue"}
    _save(document, "status", "error", "attempts", "stage_timeline")
    job = Job(document=document)
    for stage, step in STEPS:
        began = _enter(document, stage)
        try:
            job = step(job)
        except ExtractionError as exc:
            _leave(document, stage, began, error=exc.reason)
            _fail(document, stage, exc.reason)
            return document.status
        except Exception as exc:
            if is_connection_error(exc):
                raise  # the database went away: the worker runs this job again once it is back
            if is_storage_error(exc):
                reason = describe_storage_error(exc)  # without the endpoint, bucket or key
                _leave(document, stage, began, error=reason)
                if is_storage_outage(exc):
                    raise StorageUnavailable(reason) from exc  # the job waits and tries again
                _fail(document, stage, reason)
                return document.status
            logger.exception("document %s failed in stage %s", document.pk, stage)
            reason = _("%(stage)s 단계에서 예기치 않은 오류가 발생했습니다(%(kind)s: %(detail)s). "
                       "잠시 뒤 다시 처리하고, 반복되면 관리자에게 알려 주세요.") % {
                "stage": STAGE_LABELS[stage], "kind": type(exc).__name__, "detail": str(exc)[:300]}
            _leave(document, stage, began, error=reason)
            _fail(document, stage, reason)
            return document.status
        _leave(document, stage, began)
    return document.status
