"""The choices of a document's fields, apart from the models so the access rule (documents.visibility) can
name states without importing the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    PDF = "PDF", "PDF"
    DOCX = "DOCX", "DOCX"
    HWP = "HWP", "HWP"
    HWPX = "HWPX", "HWPX"
    TXT = "TXT", "TXT"
    MARKDOWN = "MARKDOWN", "Markdown"
    HTML = "HTML", "HTML"


class ApprovalState(models.TextChoices):
    """A document's review life: an uploader who may not approve sends it for review (pending); a document
    manager approves it or returns it with a comment; retiring it makes it expired."""

    DRAFT = "draft", _("초안")
    PENDING = "pending", _("검토 대기")
    APPROVED = "approved", _("승인")
    RETURNED = "returned", _("반려")
    EXPIRED = "expired", _("만료")


class ProcessingStatus(models.TextChoices):
    QUEUED = "queued", _("대기")
    PROCESSING = "processing", _("처리 중")
    READY = "ready", _("완료")
    FAILED = "failed", _("실패")
