from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _, ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from rest_framework.exceptions import ParseError

from config.exceptions import DomainError
from config.formatting import local_time
from config.parsers import reject_unstorable
from core.capabilities import can_approve_documents
from documents import services
from documents.models import ApprovalState, Document, DocumentChunk, ProcessingStatus
from documents.pipeline import STAGE_LABELS
from documents.relations import related_queryset, relation_fields
from documents.signals import send_document_changed_on_commit


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

    def clean_metadata(self):
        metadata = self.cleaned_data.get("metadata")
        try:
            reject_unstorable(metadata, root=str(_("메타데이터")))  # PostgreSQL's jsonb refuses \u0000
        except ParseError as exc:
            raise forms.ValidationError(str(exc.detail)) from None
        return metadata

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
    verbose_name_plural = _("조각(읽기 전용, 앞의 30개)")
    SHOWN = 30  # a long manual has thousands of passages; the page shows the first ones

    def first_chunks(self, document):
        first = DocumentChunk.objects.filter(document=document).order_by("ordinal").values("pk")[:self.SHOWN]
        return DocumentChunk.objects.filter(pk__in=first).order_by("ordinal")


class ReviewQueueFilter(admin.SimpleListFilter):
    """The librarian's work list: what waits for review, what went back to its uploader, what ran out."""

    title = _("검토")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", _("검토 대기")), ("returned", _("반려됨")), ("past_valid_until", _("유효 기한 지남"))]

    def queryset(self, request, queryset):
        if self.value() in ("pending", "returned"):
            return queryset.filter(approval_state=self.value())
        if self.value() == "past_valid_until":
            return queryset.filter(valid_until__lte=timezone.now())
        return queryset


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("검토 의견 (무엇을 고쳐야 하는지)"), widget=forms.Textarea(attrs={"rows": 4}))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentUploadForm
    # Review first (what the queue is for), then processing; size and file details are on the document page.
    list_display = ["title_display", "approval_badge", "validity", "version", "uploaded_by", "status_badge",
                    "stage_since", "document_type", "access_level", "department", "created_at"]
    list_filter = [ReviewQueueFilter, "approval_state", "status", "document_type", "access_level", "department",
                   "created_at"]
    list_select_related = ["department", "uploaded_by"]
    search_fields = ["title", "source", "checksum"]
    date_hierarchy = "created_at"
    inlines = [DocumentChunkInline]
    actions = ["reprocess_documents", "approve_documents", "return_documents", "expire_documents"]
    readonly_fields = ["document_type", "source", "checksum", "size_display", "mime_type", "version", "status",
                       "stage_since", "timeline", "error", "attempts", "uploaded_by", "created_at", "updated_at",
                       "approval_badge", "validity", "reviewed_by", "reviewed_at", "review_comment"]

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
            (_("검토와 유효 기한"), {"fields": ["approval_badge", "validity", "version", "reviewed_by", "reviewed_at",
                                          "review_comment"]}),
            (None, {"fields": editable}),
            (_("처리 상태"), {"fields": ["status", "stage_since", "error", "timeline", "attempts"]}),
            (_("파일 정보"), {"fields": ["document_type", "source", "size_display", "mime_type", "checksum", "version",
                                      "uploaded_by", "created_at", "updated_at"]}),
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, DocumentChunkInline) and obj is not None:
            kwargs["queryset"] = inline.first_chunks(obj)
        return kwargs

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_autocomplete_fields(self, request):
        # Sales records and interactions run to millions: a search box instead of one <option> per row.
        return relation_fields()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """What a posted form accepts is limited to the objects the user may link (visible_to)."""
        if db_field.name in relation_fields():
            kwargs["queryset"] = related_queryset(db_field.name, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
                                                "since": local_time(document.stage_started_at, fmt="%m-%d %H:%M:%S")}

    @admin.display(description=_("제목"), ordering="title")
    def title_display(self, document):
        # With a dozen columns a narrow title column wraps one syllable per line.
        return format_html('<span style="display:inline-block;min-width:14em">{}</span>', document.title)

    @admin.display(description=_("승인 상태"), ordering="approval_state")
    def approval_badge(self, document):
        colours = {ApprovalState.APPROVED: "#2e7d32", ApprovalState.PENDING: "#ef6c00",
                   ApprovalState.RETURNED: "#c62828", ApprovalState.EXPIRED: "#757575", ApprovalState.DRAFT: "#546e7a"}
        return format_html('<strong style="color:{};white-space:nowrap">{}</strong>',
                           colours.get(document.approval_state, "inherit"),
                           document.get_approval_state_display())

    @admin.display(description=_("유효 기한"), ordering="valid_until")
    def validity(self, document):
        """The expiry date, flagged once it has passed (readers no longer see the document then)."""
        if document.valid_until is None:
            return _("기한 없음")
        when = local_time(document.valid_until, fmt="%Y-%m-%d")
        if document.valid_until <= timezone.now():
            return format_html('<strong style="color:#c62828">{} ({})</strong>', when, _("기한 지남"))
        return when

    @admin.display(description=_("크기"), ordering="size")
    def size_display(self, document):
        return filesizeformat(document.size)

    @admin.display(description=_("단계 기록"))
    def timeline(self, document):
        """Stages in the order they happened (JSON keeps storage order), times in Asia/Seoul."""
        entries = sorted((document.stage_timeline or {}).items(), key=lambda item: item[1].get("started") or "")
        rows = [(STAGE_LABELS.get(stage, stage), local_time(entry.get("started")), local_time(entry.get("finished")),
                 entry.get("seconds", "-"), entry.get("error", ""))
                for stage, entry in entries]
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

    def save_related(self, request, form, formsets, change):
        """The relation fields are saved here by the form, not by a service: tell indexes they changed."""
        super().save_related(request, form, formsets, change)
        relations = [name for name in relation_fields() if name in form.changed_data]
        if change and relations:
            send_document_changed_on_commit(form.instance.pk, relations)

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

    def has_approve_permission(self, request):
        return can_approve_documents(request.user)

    @admin.action(description=_("선택한 문서 승인"), permissions=["approve"])
    def approve_documents(self, request, queryset):
        documents = list(queryset.exclude(approval_state=ApprovalState.APPROVED))
        for document in documents:
            services.document_review(document=document, reviewer=request.user, approve=True)
        self.message_user(request, _("%d건을 승인했습니다.") % len(documents), messages.SUCCESS)

    @admin.action(description=_("선택한 문서 반려 (검토 의견 입력)"), permissions=["approve"])
    def return_documents(self, request, queryset):
        """First a page asking what to fix, then each document goes back to its uploader with that comment."""
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            documents = list(queryset)
            for document in documents:
                services.document_review(document=document, reviewer=request.user, approve=False,
                                         comment=form.cleaned_data["comment"])
            self.message_user(request, _("%d건을 반려했습니다.") % len(documents), messages.WARNING)
            return None
        context = {**self.admin_site.each_context(request), "title": _("문서 반려"), "form": form,
                   "documents": queryset, "opts": self.model._meta,
                   "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/documents/document/return_documents.html", context)

    @admin.action(description=_("선택한 문서 만료 처리"), permissions=["approve"])
    def expire_documents(self, request, queryset):
        documents = list(queryset.exclude(approval_state=ApprovalState.EXPIRED))
        for document in documents:
            services.document_retire(document=document, by=request.user)
        self.message_user(request, _("%d건을 만료 처리했습니다.") % len(documents), messages.SUCCESS)

TASK_LABELS = {
    "documents.tasks.process_document": _("문서 처리"),
    "documents.tasks.watchdog": _("멈춘 문서 점검"),
    "search.tasks.opensearch_sync_document": _("OpenSearch 색인 반영"),
    "search.tasks.opensearch_delete_document": _("OpenSearch 색인 삭제"),
}

# The task queue holds the document pipeline's jobs; django-tasks-db's own admin has English headings.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ["task_label", "status", "enqueued_at", "started_at", "finished_at", "queue_name", "priority"]
    search_fields = ["task_path", "id"]
    show_full_result_count = False

    @admin.display(description=_("작업"), ordering="task_path")
    def task_label(self, result):
        return TASK_LABELS.get(result.task_path, result.task_path)

    @admin.display(description=_("오류 추적"))
    def formatted_traceback(self, result):
        return super().formatted_traceback(result)

    @admin.display(description=_("실행 예정 시각"))
    def display_run_after(self, result):
        return super().display_run_after(result)
