import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department
from documents.models import ApprovalState, Document, DocumentChunk
from documents.relations import related_queryset, relation_fields


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.Field):
    """A JSON object, sent either as JSON or, in a multipart upload, as a JSON string."""

    default_error_messages = {"invalid": _('JSON 객체여야 합니다. 예: {"product": "리피토", "year": 2025}')}

    def to_internal_value(self, data):
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data or "{}")
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class RelationsMixin:
    """Adds the document<->sales relation fields that exist on the model (see documents/relations.py)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name in relation_fields():
            fields[name] = serializers.PrimaryKeyRelatedField(
                many=True, required=False, queryset=related_queryset(name, user))
        return fields


class DocumentSerializer(RelationsMixin, serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    uploaded_by = serializers.SerializerMethodField()
    chunk_count = serializers.IntegerField(read_only=True)
    metadata = JSONObjectField()

    class Meta:
        model = Document
        fields = ["id", "title", "document_type", "source", "size", "mime_type", "checksum", "access_level",
                  "department", "metadata", "approval_state", "reviewed_at", "review_comment", "valid_until",
                  "version", "status", "stage",
                  "stage_started_at", "stage_timeline", "error", "attempts", "uploaded_by", "chunk_count",
                  "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "nullable": True,
                          "properties": {"id": {"type": "string"}, "name": {"type": "string"}}})
    def get_uploaded_by(self, document):
        user = document.uploaded_by
        return None if user is None else {"id": str(user.pk), "name": user.name}


class DocumentWriteSerializer(RelationsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    access_level = serializers.IntegerField(min_value=1, max_value=3, required=False)
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), required=False,
                                              allow_null=True)
    metadata = JSONObjectField(required=False)
    approval_state = serializers.ChoiceField(choices=ApprovalState.choices, required=False)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)


class DocumentUploadSerializer(DocumentWriteSerializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)


class DocumentUpdateSerializer(DocumentWriteSerializer):
    file = serializers.FileField(required=False, allow_empty_file=False, use_url=False,
                                 help_text=_("고친 파일로 교체하면 버전이 올라가고 다시 처리됩니다."))


class DocumentChunkSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentChunk
        fields = ["id", "ordinal", "page", "section", "text", "char_start", "char_end", "token_count"]
        read_only_fields = fields


class DocumentReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("승인")), ("return", _("반려"))],
                                       error_messages={"invalid_choice": _("decision은 approve 또는 return이어야 합니다.")})
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
