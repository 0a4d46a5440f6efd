from django import forms
from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _, ngettext

from config.exceptions import DomainError
from core.capabilities import can_approve_documents
from documents import services
from documents.models import ApprovalState, Document, DocumentChunk, ProcessingStatus
from documents.pipeline import STAGE_LABELS
from documents.relations import relation_fields


class DocumentUploadForm(forms.ModelForm):
    """Add and change form: the file goes through the same checks as the API (413/415/409/level)."""

    class Meta:
        model = Document
        fields = ["file", "title", "access_level", "department", "approval_state", "valid_until", "metadata"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["title"].required = False
        self.fields["title"].help_text = _("비워 두면 파일 이름을 제목으로 씁니다.")
        self.fields["access_level"] = forms.TypedChoiceField(
            label=_("접근 등급"), coerce=int, choices=[(1, "L1"), (2, "L2"), (3, "L3")],
            initial=self.instance.access_level or 1)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        adding = self.instance._state.adding
        try:
            if upload is not None and (adding or "file" in self.changed_data):
                services.validate_upload(user=self.request.user, file=upload,
                                         access_level=cleaned.get("access_level") or 1,
                                         replacing=None if adding else self.instance)
            elif "access_level" in self.changed_data:
                services._check_access_level(user=self.request.user, access_level=cleaned["access_level"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return cleaned


class DocumentChunkInline(admin.TabularInline):
    model = DocumentChunk
    fields = ["ordinal", "page", "section", "text", "token_count"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    classes = ["collapse"]
    verbose_name_plural = _("조각(읽기 전용)")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentUploadForm
    list_display = ["title", "document_type", "status_badge", "stage_since", "access_level", "department",
                    "approval_state", "size_display", "version", "created_at"]
    list_filter = ["status", "document_type", "access_level", "department", "approval_state", "created_at"]
    list_select_related = ["department", "uploaded_by"]
    search_fields = ["title", "source", "checksum"]
    date_hierarchy = "created_at"
    inlines = [DocumentChunkInline]
    actions = ["reprocess_documents", "approve_documents", "expire_documents"]
    readonly_fields = ["document_type", "source", "checksum", "size_display", "mime_type", "version", "status",
                       "stage_since", "timeline", "error", "attempts", "uploaded_by", "created_at", "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def get_fieldsets(self, request, obj=None):
        editable = ["file", "title", "access_level", "department", "approval_state", "valid_until", "metadata",
                    *relation_fields()]
        if obj is None:
            return [(None, {"fields": editable})]
        return [
            (None, {"fields": editable}),
            (_("처리 상태"), {"fields": ["status", "stage_since", "error", "timeline", "attempts"]}),
            (_("파일 정보"), {"fields": ["document_type", "source", "size_display", "mime_type", "checksum", "version",
                                      "uploaded_by", "created_at", "updated_at"]}),
        ]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_raw_id_fields(self, request):
        return relation_fields()

    def get_queryset(self, request):
        """Staff who are not superusers see (and act on) only what visible_to() allows them."""
        return Document.objects.visible_to(request.user)

    @admin.display(description=_("처리 상태"), ordering="status")
    def status_badge(self, document):
        colours = {ProcessingStatus.READY: "#2e7d32", ProcessingStatus.FAILED: "#c62828",
                   ProcessingStatus.PROCESSING: "#ef6c00", ProcessingStatus.QUEUED: "#546e7a"}
        return format_html('<strong style="color:{}">{}</strong>', colours.get(document.status, "inherit"),
                           document.get_status_display())

    @admin.display(description=_("현재 단계"), ordering="stage_started_at")
    def stage_since(self, document):
        if document.status == ProcessingStatus.READY or not document.stage:
            return "-"
        label = STAGE_LABELS.get(document.stage, document.stage)
        if document.stage_started_at is None:
            return label
        return _("%(stage)s (%(since)s부터)") % {"stage": label,
                                                "since": document.stage_started_at.strftime("%m-%d %H:%M:%S")}

    @admin.display(description=_("크기"), ordering="size")
    def size_display(self, document):
        return filesizeformat(document.size)

    @admin.display(description=_("단계 기록"))
    def timeline(self, document):
        rows = [(STAGE_LABELS.get(stage, stage), entry.get("started", ""), entry.get("finished", ""),
                 entry.get("seconds", ""), entry.get("error", ""))
                for stage, entry in (document.stage_timeline or {}).items()]
        if not rows:
            return "-"
        header = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                             _("단계"), _("시작"), _("종료"), _("초"), _("오류"))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table>{}{}</table>", header, body)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            document = services.document_create(
                uploaded_by=request.user, file=data["file"], title=data.get("title") or "",
                access_level=data["access_level"], department=data.get("department"),
                metadata=data.get("metadata") or {}, approval_state=data["approval_state"],
                valid_until=data.get("valid_until"))
        else:
            document = Document.objects.get(pk=obj.pk)
            updates = {name: data[name] for name in form.changed_data if name in services.UPDATABLE_FIELDS}
            if updates:
                document = services.document_update(document=document, by=request.user, **updates)
            if "file" in form.changed_data:
                document = services.document_replace_file(document=document, file=data["file"], by=request.user)
        # The admin goes on with `obj` (log entry, redirect, many-to-many fields): make it the saved row.
        obj.__dict__.update(Document.objects.get(pk=document.pk).__dict__)

    def delete_model(self, request, obj):
        services.document_delete(document=obj)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document)

    @admin.action(description=_("선택한 문서 다시 처리"), permissions=["change"])
    def reprocess_documents(self, request, queryset):
        documents = list(queryset)
        for document in documents:
            services.document_reprocess(document=document)
        self.message_user(request, ngettext("%d건을 처리 대기열에 넣었습니다.", "%d건을 처리 대기열에 넣었습니다.",
                                           len(documents)) % len(documents), messages.SUCCESS)

    def _set_approval(self, request, queryset, state, text):
        documents = list(queryset.exclude(approval_state=state))
        for document in documents:
            services.document_set_approval(document=document, approval_state=state, by=request.user)
        self.message_user(request, text % len(documents), messages.SUCCESS)

    def has_approve_permission(self, request):
        return can_approve_documents(request.user)

    @admin.action(description=_("선택한 문서 승인"), permissions=["approve"])
    def approve_documents(self, request, queryset):
        self._set_approval(request, queryset, ApprovalState.APPROVED, _("%d건을 승인했습니다."))

    @admin.action(description=_("선택한 문서 만료 처리"), permissions=["approve"])
    def expire_documents(self, request, queryset):
        self._set_approval(request, queryset, ApprovalState.EXPIRED, _("%d건을 만료 처리했습니다."))
