from dataclasses import replace

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from documents.models import DocumentChunk
from search import analytics
from search.audit import REDACTED_ANSWER, auditable_users, redacting
from search.charts import bar_chart
from search.config import RetrievalConfig
from search.criteria import DEFAULT_TOP_K, MAX_QUERY_LENGTH, MAX_TOP_K
from search.models import (
    AnswerAttribute,
    DrugSynonym,
    DrugSynonymGroup,
    LexiconTerm,
    SearchQuery,
    SearchResponse,
    UserFeedback,
)
from search.services import retrieve


class DrugSynonymInline(admin.TabularInline):
    model = DrugSynonym
    extra = 3


@admin.register(DrugSynonymGroup)
class DrugSynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "all_terms", "updated_at"]
    search_fields = ["name", "terms__term"]
    inlines = [DrugSynonymInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("terms")

    @admin.display(description=_("표기"))
    def all_terms(self, obj):
        return " = ".join(term.term for term in obj.terms.all())


@admin.register(AnswerAttribute)
class AnswerAttributeAdmin(admin.ModelAdmin):
    """The composer's lexicon of asked attributes: edits apply to the next question (the cache is cleared)."""

    list_display = ["name", "question_terms", "evidence_terms", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class ZeroResultsFilter(admin.SimpleListFilter):
    title = _("결과 없음")
    parameter_name = "zero_results"

    def lookups(self, request, model_admin):
        return [("yes", _("결과 없음")), ("no", _("결과 있음"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(response__result_count=0)
        if self.value() == "no":
            return queryset.filter(response__result_count__gt=0)
        return queryset


class RatingFilter(admin.SimpleListFilter):
    title = _("평점")
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(n), f"{n}") for n in range(1, 6)] + [("none", _("평가 없음"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(feedback__isnull=True)
        if self.value() in {"1", "2", "3", "4", "5"}:
            return queryset.filter(feedback__rating=int(self.value())).distinct()
        return queryset


def _redact_response(response, redactor):
    response.sources, hidden = redactor.redact(response.sources)
    if hidden:
        response.answer = str(REDACTED_ANSWER)


class AuditedQuerysetMixin:
    """Non-superusers see the logs of the users they may audit (search.audit), filtered in SQL."""

    audited_user_path = "user"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.audited_user_path}__in": auditable_users(request.user)})


class SearchResponseInline(AuditedQuerysetMixin, admin.StackedInline):
    model = SearchResponse
    can_delete = False
    readonly_fields = ["answer", "sources", "result_count", "response_time_ms", "backend", "created_at"]
    fields = readonly_fields
    audited_user_path = "query__user"

    def get_queryset(self, request):
        return redacting(super().get_queryset(request), viewer=request.user,
                         sources_of=lambda response: response.sources, redact=_redact_response)


class UserFeedbackInline(AuditedQuerysetMixin, admin.TabularInline):
    model = UserFeedback
    extra = 0
    can_delete = False
    readonly_fields = ["user", "rating", "comment", "created_at", "updated_at"]
    fields = readonly_fields
    audited_user_path = "query__user"


@admin.register(SearchQuery)
class SearchQueryAdmin(AuditedQuerysetMixin, admin.ModelAdmin):
    list_display = ["text", "user", "department", "created_at", "result_count", "response_time_ms", "rating"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter), "user__department", "created_at",
                   RatingFilter, ZeroResultsFilter]
    search_fields = ["text", "user__email", "user__name"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "user", "text", "session_id", "filters", "top_k", "created_at"]
    inlines = [SearchResponseInline, UserFeedbackInline]
    list_select_related = ["user__department", "response"]

    def get_queryset(self, request):
        first_rating = UserFeedback.objects.filter(query=OuterRef("pk")).order_by("created_at").values("rating")[:1]
        return super().get_queryset(request).annotate(first_rating=Subquery(first_rating))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("부서"), ordering="user__department__name")
    def department(self, obj):
        return obj.user.department

    @admin.display(description=_("결과 수"), ordering="response__result_count")
    def result_count(self, obj):
        return getattr(getattr(obj, "response", None), "result_count", None)

    @admin.display(description=_("응답 시간(ms)"), ordering="response__response_time_ms")
    def response_time_ms(self, obj):
        return getattr(getattr(obj, "response", None), "response_time_ms", None)

    @admin.display(description=_("평점"), ordering="first_rating")
    def rating(self, obj):
        return obj.first_rating

    def get_urls(self):
        return [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="search_dashboard"),
            path("retrieval-test/", self.admin_site.admin_view(self.retrieval_test_view),
                 name="search_retrieval_test"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = max(1, min(int(request.GET.get("days", 30)), 365))
        except ValueError:
            days = 30
        users = None if request.user.is_superuser else auditable_users(request.user)
        daily = analytics.daily(days, users=users)
        labels = [d.day.strftime("%m-%d") for d in daily]
        context = {
            **self.admin_site.each_context(request),
            "title": _("검색 대시보드"),
            "days": days,
            "totals": analytics.totals(days, users=users),
            "charts": [
                bar_chart(labels, [d.queries for d in daily], title=str(_("일별 검색 수")), unit=""),
                bar_chart(labels, [d.zero_rate * 100 for d in daily], title=str(_("결과 없음 비율")), unit="%",
                          color="#ba2121"),
                bar_chart(labels, [d.p50_ms for d in daily], title=str(_("응답 시간 p50")), unit="ms",
                          color="#79aec8"),
                bar_chart(labels, [d.p95_ms for d in daily], title=str(_("응답 시간 p95")), unit="ms",
                          color="#205067"),
            ],
            "top_queries": analytics.top_queries(days, users=users),
            "worst_rated": analytics.worst_rated(days, users=users),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/search/dashboard.html", context)

    def retrieval_test_view(self, request):
        if not (request.user.is_superuser or request.user.has_perm("search.use_retrieval_test")):
            raise PermissionDenied
        form = RetrievalTestForm(request.POST or None)
        form.fields["user"].queryset = form.fields["user"].queryset & auditable_users(request.user)
        result = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            config = RetrievalConfig.from_settings()
            if data["fusion"]:  # the operator's choice of fusion, every other setting as configured
                config = replace(config, fusion=replace(config.fusion, method=data["fusion"]))
            try:
                retrieval = retrieve(user=data["user"], query=data["query"], top_k=data["top_k"], config=config)
            except Exception as exc:  # shown to the operator, e.g. a bad filter or an embedding failure
                form.add_error(None, str(exc))
            else:
                result = _side_by_side(data["user"], retrieval, data["top_k"], viewer=request.user)
        context = {**self.admin_site.each_context(request), "title": _("검색 테스트"), "form": form,
                   "result": result, "opts": self.model._meta}
        return TemplateResponse(request, "admin/search/retrieval_test.html", context)


def _side_by_side(user, retrieval, top_k, *, viewer):
    """The three rankings, keeping only passages both the searched-as user and the viewer may see."""
    ids = ({cid for cid, _s in retrieval.dense[:top_k]} | {cid for cid, _s in retrieval.lexical[:top_k]}
           | {hit.chunk_id for hit in retrieval.hits})
    chunks = (DocumentChunk.objects.visible_to(user) & DocumentChunk.objects.visible_to(viewer)).select_related(
        "document").in_bulk(ids)

    def rows(leg):
        return [{"rank": i, "score": score, "chunk": chunks.get(cid)} for i, (cid, score) in enumerate(leg[:top_k], 1)
                if cid in chunks]

    fused = [hit for hit in retrieval.hits if hit.chunk_id in chunks]
    return {"dense": rows(retrieval.dense), "lexical": rows(retrieval.lexical), "fused": fused,
            "backend": retrieval.backend, "tsquery": retrieval.lexical_query.tsquery()}


class RetrievalTestForm(forms.Form):
    query = forms.CharField(label=_("검색어"), max_length=MAX_QUERY_LENGTH - 1)
    user = forms.ModelChoiceField(label=_("검색할 사용자"), queryset=get_user_model().objects.filter(is_active=True)
                                  .select_related("department").order_by("email"))
    top_k = forms.IntegerField(label=_("결과 수"), min_value=1, max_value=MAX_TOP_K, initial=DEFAULT_TOP_K)
    fusion = forms.ChoiceField(label=_("결합 방식"), required=False,
                               choices=[("", _("설정값")), ("convex", "convex"), ("rrf", "RRF")])


@admin.register(UserFeedback)
class UserFeedbackAdmin(AuditedQuerysetMixin, admin.ModelAdmin):
    list_display = ["query", "user", "rating", "comment", "created_at"]
    list_filter = ["rating", "created_at", "user__department"]
    search_fields = ["query__text", "comment", "user__email"]
    list_select_related = ["query", "user"]
    readonly_fields = ["query", "user", "rating", "comment", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(LexiconTerm)
class LexiconTermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: how common each indexed word is (BM25's document frequency). The most common words weigh
    least in the lexical ranking; kept up to date by database triggers, never edited by hand."""

    list_display = ["term", "passages"]
    search_fields = ["term"]
    ordering = ["-passages", "term"]
    show_full_result_count = False

    # Words of every document, hidden ones included: superusers only (search.audit).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
