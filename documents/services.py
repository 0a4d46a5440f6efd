"""Writes on documents. Views, the admin and management commands all come through here."""

import hashlib
import logging
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.capabilities import can_approve_documents, can_set_any_access_level
from documents.detection import detect_type
from documents.errors import (
    AccessLevelTooHigh,
    DuplicateDocument,
    FileTooLarge,
    ReviewCommentRequired,
    ReviewNotAllowed,
)
from documents.indexing import reindex_lexical
from documents.models import ApprovalState, Document, ProcessingStatus
from documents.relations import related_queryset, relation_fields
from documents.signals import document_deleted, send_document_changed_on_commit
from documents.storage import StorageUnavailable, describe_storage_error, is_storage_error
from documents.tasks import delete_stored_file, process_document

logger = logging.getLogger(__name__)

UPDATABLE_FIELDS = {"title", "access_level", "department", "metadata", "approval_state", "valid_until"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_filename(name: str) -> str:
    """The original file name in NFC without any directory part (browsers and zips may send paths)."""
    name = nfc(PurePath(str(name).replace("\\", "/")).name).strip()
    return name[:200] or "document"


def _checksum(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_access_level(*, user, access_level: int) -> None:
    if user is None or can_set_any_access_level(user):
        return
    if access_level > user.access_level:
        raise AccessLevelTooHigh(
            _("내 접근 등급(L%(mine)d)보다 높은 등급(L%(wanted)d)으로 문서를 지정할 수 없습니다. "
              "L%(mine)d 이하로 지정하거나 관리자에게 요청해 주세요.") % {"mine": user.access_level, "wanted": access_level}
        )


def _check_file(file, *, user, checksum_of_self: str | None = None) -> tuple[str, object]:
    limit_mb = settings.DOCUMENT_MAX_UPLOAD_MB
    if file.size > limit_mb * 1024 * 1024:
        raise FileTooLarge(_("파일이 너무 큽니다(%(size).1f MB). %(limit)d MB 이하의 파일만 올릴 수 있습니다.")
                           % {"size": file.size / (1024 * 1024), "limit": limit_mb})
    detected = detect_type(file, file.name)
    checksum = _checksum(file)
    if checksum != checksum_of_self and Document.objects.filter(checksum=checksum).exists():
        _refuse_duplicate(checksum, user=user)
    return checksum, detected


def _refuse_duplicate(checksum: str, *, user) -> None:
    """409. The existing document is named only to someone who may open it (command-line imports, with no
    user, are run by operators); anyone else learns nothing about it."""
    existing = Document.objects.filter(checksum=checksum)
    if user is not None:
        existing = existing.visible_to(user)
    existing = existing.only("id", "title").first()
    if existing is None:
        raise DuplicateDocument(_("같은 내용의 파일이 이미 등록되어 있어 올릴 수 없습니다. "
                                  "필요하면 문서 관리자에게 문의하세요."))
    raise DuplicateDocument(
        _("같은 파일이 이미 등록되어 있습니다: ‘%(title)s’(ID %(id)s).") % {"title": existing.title, "id": existing.pk},
        extra={"existing": {"id": str(existing.pk), "title": existing.title}},
    )


def validate_upload(*, user, file, access_level: int, replacing: Document | None = None) -> None:
    """Everything document_create/document_replace_file would refuse, checked up front (admin forms)."""
    _check_access_level(user=user, access_level=access_level)
    _check_file(file, user=user, checksum_of_self=replacing.checksum if replacing else None)


def _enqueue(document: Document) -> None:
    """Queue processing once the surrounding transaction has committed."""
    document_id = document.pk

    def send():
        result = process_document.enqueue(str(document_id))
        Document.objects.filter(pk=document_id, status=ProcessingStatus.QUEUED).update(task_id=result.id)

    transaction.on_commit(send)


def _mark_queued(document: Document, *, reset_attempts: bool) -> None:
    now = timezone.now()
    document.status, document.error = ProcessingStatus.QUEUED, ""
    document.stage, document.stage_started_at = "queue", now
    document.stage_timeline = {"queue": {"started": now.isoformat(timespec="milliseconds")}}
    if reset_attempts:
        document.attempts = 0


def _initial_approval_state(*, uploaded_by, requested: str) -> str:
    """Uploads by someone who may not approve wait for review instead of being published."""
    if uploaded_by is None or can_approve_documents(uploaded_by):
        return requested
    if requested == ApprovalState.DRAFT:
        return ApprovalState.DRAFT
    return ApprovalState.PENDING


def _set_relations(document: Document, relations: dict | None, *, by=None) -> set[str]:
    """Replace the links the caller sent. Links to records `by` may not see stay: an editor who cannot see a
    customer can neither learn of its link nor remove it by sending the list they see. Returns the names of
    the relations whose links changed."""
    changed = set()
    for name in relation_fields():
        if relations and name in relations:
            linked = getattr(document, name)
            before = set(linked.values_list("pk", flat=True))
            kept = [] if by is None else list(linked.exclude(pk__in=related_queryset(name, by).values("pk")))
            linked.set(list(relations[name]) + kept)
            if set(linked.values_list("pk", flat=True)) != before:
                changed.add(name)
    return changed


@transaction.atomic
def document_create(*, uploaded_by, file, title: str = "", access_level: int = 1, department=None,
                    metadata: dict | None = None, approval_state: str = ApprovalState.APPROVED,
                    valid_until=None, relations: dict | None = None, enqueue: bool = True) -> Document:
    """Store an uploaded file as a new document and queue its processing.

    Refuses (nothing stored) a file over DOCUMENT_MAX_UPLOAD_MB (413), a type not supported by content
    (415), bytes already uploaded (409, naming the existing document) and an access level above the
    uploader's own unless a document manager (403). An uploader who may not approve gets `pending`
    (검토 대기) instead of `approved`. `enqueue=False` leaves processing to the caller (seed, bench, --sync).
    """
    approval_state = _initial_approval_state(uploaded_by=uploaded_by, requested=approval_state)
    _check_access_level(user=uploaded_by, access_level=access_level)
    checksum, detected = _check_file(file, user=uploaded_by)
    source = clean_filename(file.name)
    document = Document(
        id=uuid.uuid4(), title=nfc(title).strip() or PurePath(source).stem, source=source,
        document_type=detected.document_type, mime_type=detected.mime_type, checksum=checksum, size=file.size,
        access_level=access_level, department=department, metadata=metadata or {}, approval_state=approval_state,
        valid_until=valid_until, uploaded_by=uploaded_by,
    )
    _mark_queued(document, reset_attempts=True)
    _store_file(document, source, file)
    stored_name = document.file.name
    try:
        document.full_clean()
        with transaction.atomic():
            document.save(force_insert=True)
    except IntegrityError:
        default_storage.delete(stored_name)
        raise DuplicateDocument(_("같은 파일이 방금 다른 요청으로 등록되었습니다. 목록을 새로 고쳐 확인해 주세요.")) from None
    except Exception:
        default_storage.delete(stored_name)
        raise
    _set_relations(document, relations)
    if enqueue:
        _enqueue(document)
    return document


@transaction.atomic
def document_update(*, document: Document, by, relations: dict | None = None, **fields) -> Document:
    """Change what the API and admin may change; access level and department changes follow the same rule
    as at upload."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {', '.join(sorted(unknown))}")
    if "access_level" in fields:
        _check_access_level(user=by, access_level=fields["access_level"])
    if "title" in fields:
        fields["title"] = nfc(fields["title"]).strip()
    retitled = "title" in fields and fields["title"] != document.title
    before = {name: getattr(document, name) for name in UPDATABLE_FIELDS}
    for name, value in fields.items():
        setattr(document, name, value)
    _resubmit_if_returned(document, by=by)
    document.full_clean(exclude=["checksum"])
    document.save()
    changed = {name for name in UPDATABLE_FIELDS if getattr(document, name) != before[name]}
    changed |= _set_relations(document, relations, by=by)
    if retitled:
        reindex_lexical(document)  # the title is part of what the lexical leg indexes
    send_document_changed_on_commit(document.pk, changed)
    return document


@transaction.atomic
def document_replace_file(*, document: Document, file, by) -> Document:
    """Put a corrected file in place of the stored one (e.g. after a failure); the version goes up and the
    document is processed again. The old file is deleted once this commits."""
    checksum, detected = _check_file(file, user=by, checksum_of_self=document.checksum)
    old_name = document.file.name
    source = clean_filename(file.name)
    document.source, document.checksum, document.size = source, checksum, file.size
    document.document_type, document.mime_type = detected.document_type, detected.mime_type
    document.version += 1
    resubmitted = _resubmit_if_returned(document, by=by)
    _store_file(document, source, file)
    _mark_queued(document, reset_attempts=True)
    document.full_clean(exclude=["checksum"])
    document.save()
    if old_name and old_name != document.file.name:
        transaction.on_commit(lambda: _delete_stored_file(old_name))
    # Queued again: search leaves it out until processed (indexes drop it, then document_indexed brings it back).
    send_document_changed_on_commit(document.pk, {"status", "approval_state"} if resubmitted else {"status"})
    _enqueue(document)
    return document


@transaction.atomic
def document_reprocess(*, document: Document, enqueue: bool = True) -> Document:
    """Run the whole pipeline again (idempotent: the chunks are replaced atomically at the end)."""
    _mark_queued(document, reset_attempts=True)
    document.save(update_fields=["status", "error", "stage", "stage_started_at", "stage_timeline", "attempts",
                                 "updated_at"])
    send_document_changed_on_commit(document.pk, {"status"})
    if enqueue:
        _enqueue(document)
    return document


def _resubmit_if_returned(document: Document, *, by) -> bool:
    """A returned document that its uploader fixes goes back into the review queue (True when it did)."""
    if document.approval_state == ApprovalState.RETURNED and not can_approve_documents(by):
        document.approval_state = ApprovalState.PENDING
        return True
    return False


@transaction.atomic
def document_set_approval(*, document: Document, approval_state: str, by=None, comment: str = "") -> Document:
    """Set the approval state as a document manager, recording who and when."""
    changed = {"approval_state"} if approval_state != document.approval_state else set()
    document.approval_state = approval_state
    document.reviewed_by, document.reviewed_at = by, timezone.now()
    document.review_comment = nfc(comment).strip()
    document.save(update_fields=["approval_state", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    send_document_changed_on_commit(document.pk, changed)
    return document


def document_review(*, document: Document, reviewer, approve: bool, comment: str = "") -> Document:
    """Approve a document (search and chat find it once it is processed) or return it to its uploader
    with a comment saying what to fix. Only document managers review (ReviewNotAllowed otherwise)."""
    if not can_approve_documents(reviewer):
        raise ReviewNotAllowed(_("문서 검토(승인·반려)는 문서 관리자만 할 수 있습니다."))
    if not approve and not nfc(comment).strip():
        raise ReviewCommentRequired(_("반려할 때는 무엇을 고쳐야 하는지 검토 의견을 적어 주세요."))
    state = ApprovalState.APPROVED if approve else ApprovalState.RETURNED
    return document_set_approval(document=document, approval_state=state, by=reviewer, comment=comment)


def document_retire(*, document: Document, by, comment: str = "") -> Document:
    """Take a document out of use (만료): readers no longer see it; document managers still do."""
    if not can_approve_documents(by):
        raise ReviewNotAllowed(_("문서 만료 처리는 문서 관리자만 할 수 있습니다."))
    return document_set_approval(document=document, approval_state=ApprovalState.EXPIRED, by=by, comment=comment)


def _store_file(document: Document, name: str, file) -> None:
    """Save the upload to storage; an unreachable storage refuses the upload (503), nothing is recorded."""
    try:
        document.file.save(name, file, save=False)
    except Exception as exc:
        if not is_storage_error(exc):
            raise
        raise StorageUnavailable(_("파일 저장소(S3)에 지금 파일을 저장할 수 없습니다. 잠시 뒤 다시 올려 주세요. "
                                   "(%(reason)s)") % {"reason": describe_storage_error(exc)}) from None


def _delete_stored_file(name: str) -> None:
    """Queue the deletion of a stored file; the job retries until the file is gone (storage outages)."""
    try:
        delete_stored_file.enqueue(name)
    except Exception:  # the database row is already gone; a leftover file is logged, not a failed request
        logger.exception("could not queue the deletion of stored file %s", name)


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete the document and its chunks; the stored file and search index entries go after commit."""
    document_id, name = document.pk, document.file.name
    document.delete()

    def after_commit():
        if name:
            _delete_stored_file(name)
        document_deleted.send(sender=Document, document_id=document_id)

    transaction.on_commit(after_commit)


@dataclass
class WatchdogReport:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    waiting: list = field(default_factory=list)


def _task_is_waiting(task_id: str) -> bool:
    """True when the queue still holds the document's job, not yet started."""
    if not task_id:
        return False
    from django_tasks import TaskResultStatus

    try:
        return process_document.get_result(task_id).status == TaskResultStatus.READY
    except Exception:  # unknown id, or a backend that keeps no results (the immediate one)
        return False


def requeue_stale_documents(*, stale_after: timedelta | None = None, now=None) -> WatchdogReport:
    """The watchdog: documents whose job stopped without finishing (a killed worker, a lost job) are
    queued again, at most DOCUMENT_MAX_ATTEMPTS times; after that they fail with a reason.

    A document counts as stale when nothing happened to it (no stage change, no embedding batch) for
    DOCUMENT_STALE_MINUTES, and, if still queued, when its job is no longer waiting in the queue.
    """
    now = now or timezone.now()
    stale_after = stale_after or timedelta(minutes=settings.DOCUMENT_STALE_MINUTES)
    report = WatchdogReport()
    candidates = Document.objects.filter(
        status__in=[ProcessingStatus.QUEUED, ProcessingStatus.PROCESSING], updated_at__lt=now - stale_after
    )
    for document in candidates:
        if document.status == ProcessingStatus.QUEUED and _task_is_waiting(document.task_id):
            report.waiting.append(document.pk)
            continue
        with transaction.atomic():
            if document.attempts >= settings.DOCUMENT_MAX_ATTEMPTS:
                document.status = ProcessingStatus.FAILED
                document.error = _("처리가 %(n)d번 시작되었지만 끝나지 않았습니다(마지막 단계: %(stage)s). "
                                   "파일을 확인한 뒤 다시 처리해 주세요.") % {"n": document.attempts,
                                                                 "stage": document.stage or "-"}
                document.save(update_fields=["status", "error", "updated_at"])
                report.failed.append(document.pk)
            else:
                stuck_in = document.stage
                _mark_queued(document, reset_attempts=False)
                document.stage_timeline["queue"]["requeued_from"] = stuck_in
                document.save(update_fields=["status", "error", "stage", "stage_started_at", "stage_timeline",
                                             "updated_at"])
                _enqueue(document)
                report.requeued.append(document.pk)
    return report
