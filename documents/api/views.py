from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.exceptions import DomainError
from documents import services
from documents.api.serializers import (
    DocumentChunkSerializer,
    DocumentReviewSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    DocumentUploadSerializer,
)
from documents.errors import FileTooLarge
from documents.filters import DocumentFilter
from documents.models import Document
from core.capabilities import can_approve_documents
from documents.permissions import CanManageDocument
from documents.relations import relation_fields


class ApprovalNotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "approval_not_allowed"


def _relations(data: dict) -> dict:
    return {name: data.pop(name) for name in relation_fields() if name in data}


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """Documents the caller may see (Document.objects.visible_to); others answer 404 on every path."""

    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated, CanManageDocument]
    filterset_class = DocumentFilter
    ordering_fields = ["created_at", "updated_at", "title", "size"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        queryset = (Document.objects.visible_to(self.request.user)
                    .select_related("department", "uploaded_by")
                    .annotate(chunk_count=Count("chunks"))
                    .order_by("-created_at", "id"))
        relations = relation_fields()
        return queryset.prefetch_related(*relations) if relations else queryset

    def _refuse_oversized_body(self, request):
        limit = settings.DOCUMENT_MAX_UPLOAD_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + 1024 * 1024:  # leave room for the multipart envelope and other fields
            raise FileTooLarge(_("파일이 너무 큽니다(%(size).1f MB). %(limit)d MB 이하의 파일만 올릴 수 있습니다.")
                               % {"size": length / (1024 * 1024), "limit": settings.DOCUMENT_MAX_UPLOAD_MB})

    def _detail(self, document, code=status.HTTP_200_OK):
        document = self.get_queryset().get(pk=document.pk)
        return Response(DocumentSerializer(document, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        self._refuse_oversized_body(request)
        serializer = DocumentUploadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = services.document_create(uploaded_by=request.user, relations=_relations(data), **data)
        return self._detail(document, status.HTTP_201_CREATED)

    @extend_schema(request=DocumentUpdateSerializer, responses={200: DocumentSerializer})
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        self._refuse_oversized_body(request)
        serializer = DocumentUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "approval_state" in data and data["approval_state"] != document.approval_state:
            if not can_approve_documents(request.user):
                raise ApprovalNotAllowed(_("승인 상태는 문서 관리자만 바꿀 수 있습니다. 검토를 요청해 주세요."))
            document = services.document_set_approval(document=document, approval_state=data.pop("approval_state"),
                                                      by=request.user)
        data.pop("approval_state", None)
        new_file = data.pop("file", None)
        relations = _relations(data)
        if data or relations:
            document = services.document_update(document=document, by=request.user, relations=relations, **data)
        if new_file is not None:
            document = services.document_replace_file(document=document, file=new_file, by=request.user)
        return self._detail(document)

    def destroy(self, request, *args, **kwargs):
        services.document_delete(document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The original file: streamed from local storage, or a redirect to a short-lived presigned S3 URL."""
        document = self.get_object()
        if _is_s3():
            url = default_storage.url(document.file.name, parameters={
                "ResponseContentDisposition": content_disposition_header(True, document.source),
                "ResponseContentType": document.mime_type or "application/octet-stream",
            })
            return HttpResponseRedirect(url)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            return Response({"detail": _("저장된 원본 파일을 찾을 수 없습니다."), "code": "file_missing"},
                            status=status.HTTP_410_GONE)
        return FileResponse(handle, as_attachment=True, filename=document.source,
                            content_type=document.mime_type or "application/octet-stream")

    @extend_schema(responses={200: DocumentChunkSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def chunks(self, request, pk=None):
        document = self.get_object()
        page = self.paginate_queryset(document.chunks.order_by("ordinal"))
        return self.get_paginated_response(DocumentChunkSerializer(page, many=True).data)

    @extend_schema(request=DocumentReviewSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve a document or return it to its uploader with a comment (document managers only)."""
        document = self.get_object()
        serializer = DocumentReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_review(document=document, reviewer=request.user,
                                            approve=serializer.validated_data["decision"] == "approve",
                                            comment=serializer.validated_data.get("comment", ""))
        return self._detail(document)

    @extend_schema(request=None, responses={202: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def reprocess(self, request, pk=None):
        document = services.document_reprocess(document=self.get_object())
        return self._detail(document, status.HTTP_202_ACCEPTED)


def _is_s3() -> bool:
    return settings.STORAGES["default"]["BACKEND"].endswith("S3Storage")
