import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pgvector.django import HnswIndex, VectorField

from documents.choices import ApprovalState, DocumentType, ProcessingStatus
from documents.visibility import PUBLISHED_STATES, Searchable, Visibility, unexpired_q


def published_rule(now=None) -> Q:
    """Approved and not past its expiry: what readers other than the uploader and document managers get
    (the published part of documents.visibility.Visibility)."""
    return Q(approval_state__in=PUBLISHED_STATES) & unexpired_q(now or timezone.now())


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents `user` may see: the one access rule, applied in SQL on every path.

        Superusers and document managers (core.capabilities.is_document_manager) see every document.
        Others see approved, unexpired documents at or below their access level that are either for
        everyone (no department) or for their own department, and the documents they uploaded
        themselves in any state (an uploader can always check and fix what they sent).
        The rule is written once in documents.visibility.Visibility (also rendered for OpenSearch).
        """
        rule = Visibility.for_user(user)
        if rule.nothing:
            return self.none()
        if rule.everything:
            return self
        return self.filter(rule.as_q())

    def awaiting_review(self):
        return self.filter(approval_state=ApprovalState.PENDING)

    def searchable(self, *, include_drafts: bool = False):
        """Approved and unexpired (drafts and pending too when asked), and fully processed
        (documents.visibility.Searchable)."""
        return self.filter(Searchable.for_search(include_drafts=include_drafts).as_q())


def document_upload_path(instance, filename):
    return f"documents/{instance.id}/{filename}"


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("제목"), max_length=500)
    content = models.TextField(_("추출된 본문"), blank=True, default="")
    document_type = models.CharField(_("문서 유형"), max_length=10, choices=DocumentType.choices)
    source = models.CharField(_("원본 파일명"), max_length=500)
    file = models.FileField(_("파일"), upload_to=document_upload_path, max_length=700)
    checksum = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("크기(바이트)"), default=0)
    mime_type = models.CharField(_("MIME 유형"), max_length=150, blank=True, default="")
    access_level = models.PositiveSmallIntegerField(_("접근 등급"), default=1)
    department = models.ForeignKey("accounts.Department", verbose_name=_("부서"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="documents")
    metadata = models.JSONField(_("메타데이터"), default=dict, blank=True)
    approval_state = models.CharField(_("승인 상태"), max_length=10, choices=ApprovalState.choices,
                                      default=ApprovalState.APPROVED)
    valid_until = models.DateTimeField(_("유효 기한"), null=True, blank=True)
    version = models.PositiveIntegerField(_("버전"), default=1)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("검토한 사람"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="reviewed_documents")
    reviewed_at = models.DateTimeField(_("검토 시각"), null=True, blank=True)
    review_comment = models.TextField(_("검토 의견"), blank=True, default="")
    status = models.CharField(_("처리 상태"), max_length=12, choices=ProcessingStatus.choices,
                              default=ProcessingStatus.QUEUED, db_index=True)
    stage = models.CharField(_("현재 단계"), max_length=20, blank=True, default="")
    stage_started_at = models.DateTimeField(_("단계 시작 시각"), null=True, blank=True)
    # {"extract": {"started": iso, "finished": iso}, ...}: the timeline shown in the admin.
    stage_timeline = models.JSONField(_("단계 기록"), default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True, default="")
    # The background job currently responsible for this document, and how many times processing
    # was started: the watchdog uses both to requeue a job whose worker died, a bounded number of times.
    task_id = models.CharField(_("작업 ID"), max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("처리 시도 횟수"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("업로드한 사용자"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="uploaded_documents")
    customers = models.ManyToManyField("sales.Customer", verbose_name=_("관련 거래처"), blank=True,
                                       related_name="documents")
    products = models.ManyToManyField("sales.Product", verbose_name=_("관련 제품"), blank=True,
                                      related_name="documents")
    interactions = models.ManyToManyField("sales.Interaction", verbose_name=_("관련 영업활동"), blank=True,
                                          related_name="documents")
    sales_records = models.ManyToManyField("sales.SalesRecord", verbose_name=_("관련 판매실적"), blank=True,
                                           related_name="documents")
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("문서")
        verbose_name_plural = _("문서")
        ordering = ["-created_at"]
        permissions = [
            ("manage_documents", _("모든 등급·부서·상태의 문서를 열람하고 승인·반려·만료 처리")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(access_level__gte=1, access_level__lte=3),
                                   name="documents_access_level_1_3"),
        ]
        indexes = [
            GinIndex(fields=["metadata"], name="idx_documents_metadata"),
            models.Index(fields=["access_level"], name="idx_documents_access_level"),
            models.Index(fields=["approval_state", "status"], name="idx_documents_searchable"),
        ]

    def __str__(self):
        return self.title


class DocumentChunkQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(document__in=Document.objects.visible_to(user))


class DocumentChunk(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField(_("순번"))
    text = models.TextField(_("본문"))
    page = models.PositiveIntegerField(_("페이지"), null=True, blank=True)
    section = models.CharField(_("구역"), max_length=200, blank=True, default="")
    char_start = models.PositiveIntegerField(_("시작 위치"), default=0)
    char_end = models.PositiveIntegerField(_("끝 위치"), default=0)
    token_count = models.PositiveIntegerField(_("토큰 수"), default=0)
    embedding = VectorField(_("임베딩"), dimensions=settings.EMBEDDING_DIMENSIONS, null=True, blank=True)
    # to_tsvector('simple', <Kiwi morphemes joined by spaces>): see core/text.py.
    search_vector = SearchVectorField(_("검색 벡터"), null=True, blank=True)

    objects = DocumentChunkQuerySet.as_manager()

    class Meta:
        verbose_name = _("문서 조각")
        verbose_name_plural = _("문서 조각")
        ordering = ["document", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="document_chunk_ordinal_unique"),
        ]
        indexes = [
            HnswIndex(name="idx_chunk_embedding_hnsw", fields=["embedding"], m=16, ef_construction=64,
                      opclasses=["vector_cosine_ops"]),
            GinIndex(fields=["search_vector"], name="idx_chunk_search_vector"),
        ]

    def __str__(self):
        return f"{self.document_id}#{self.ordinal}"
