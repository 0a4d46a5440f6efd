"""FilterSets for documents, shared by the API (and usable by the admin)."""

import json

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from documents.models import ApprovalState, Document, DocumentType, ProcessingStatus
from documents.relations import RELATIONS, related_queryset, relation_fields


class DocumentFilter(django_filters.FilterSet):
    document_type = django_filters.MultipleChoiceFilter(choices=DocumentType.choices, label=_("문서 유형"))
    status = django_filters.MultipleChoiceFilter(choices=ProcessingStatus.choices, label=_("처리 상태"))
    approval_state = django_filters.MultipleChoiceFilter(choices=ApprovalState.choices, label=_("승인 상태"))
    department = django_filters.ModelChoiceFilter(field_name="department", to_field_name="code",
                                                  queryset=Department.objects.all(), label=_("부서 코드"))
    access_level = django_filters.NumberFilter(label=_("접근 등급"))
    created = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at", label=_("등록 시각 범위(created_after, created_before)"))
    title = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("제목에 포함"))
    metadata = django_filters.CharFilter(method="filter_metadata",
                                         label=_('메타데이터 포함 조건(JSON 객체, 예: {"product": "리피토"})'))

    class Meta:
        model = Document
        fields = ["document_type", "status", "approval_state", "department", "access_level"]

    def filter_metadata(self, queryset, name, value):
        try:
            wanted = json.loads(value)
        except ValueError:
            wanted = None
        if not isinstance(wanted, dict):
            raise ValidationError({"metadata": _('metadata는 JSON 객체여야 합니다. 예: {"product": "리피토"}')})
        return queryset.filter(metadata__contains=wanted)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for field_name in relation_fields():
            parameter, label = RELATIONS[field_name]
            relation_filter = django_filters.ModelChoiceFilter(
                field_name=field_name, queryset=related_queryset(field_name, user), label=label, distinct=True)
            relation_filter.parent = self
            self.filters[parameter] = relation_filter
