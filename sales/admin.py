from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Max, Min, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from config.formatting import won
from core.admin import ReadOnlyAdminMixin
from core.capabilities import can_import_sales, can_refresh_sales_summaries, sees_all_sales

from sales import resources, selectors, services
from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerMonthlyPerformance,
    Employee,
    Interaction,
    Product,
    SalesRecord,
)


# Amount columns read as `1,234,567원` (the model fields keep their decimals).
@admin.display(description=_("단가"), ordering="unit_price")
def unit_price_won(obj):
    return won(obj.unit_price)


@admin.display(description=_("금액"), ordering="amount")
def amount_won(obj):
    return won(obj.amount)


@admin.display(description=_("매출액"), ordering="total_amount")
def total_amount_won(obj):
    return won(obj.total_amount)


class EstimatedCountPaginator(Paginator):
    """The unfiltered list of a table with millions of rows pages by the planner's row estimate
    (pg_class.reltuples, kept by ANALYZE/autovacuum): count(*) would read every row on each page view.
    Any filter, search or visible_to scope gets the exact count."""

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                               [queryset.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > self.ESTIMATE_ABOVE:
                return row[0]
        return super().count


class ScopedChoicesMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices (and what a posted form accepts) are limited to what the user may see."""
        related = db_field.related_model.objects
        if not sees_all_sales(request.user) and hasattr(related, "visible_to"):
            kwargs.setdefault("queryset", related.visible_to(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model.objects
        if not sees_all_sales(request.user) and hasattr(related, "visible_to"):
            kwargs.setdefault("queryset", related.visible_to(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AssignableChoicesMixin(ScopedChoicesMixin):
    """Assignments offer only the employees and customers the user may assign (sales.services' rule)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"employee", "customer"}:
            kwargs.setdefault("queryset", db_field.related_model.objects.assignable_by(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VisibleToMixin(ScopedChoicesMixin):
    """Non-superusers see in the admin exactly what `visible_to` gives them in the API.

    Files are imported only by superusers and staff allowed to add the model (sales operations).
    """

    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_all_sales(request.user):
            return queryset
        return queryset & self.model.objects.visible_to(request.user)

    def has_import_permission(self, request):
        return can_import_sales(request.user, can_add=self.has_add_permission(request))

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class ImportExportVisibleAdmin(VisibleToMixin, ImportExportMixin, admin.ModelAdmin):
    import_formats = [base_formats.CSV, base_formats.XLSX]
    export_formats = [base_formats.CSV, base_formats.XLSX]


@admin.register(Employee)
class EmployeeAdmin(ImportExportVisibleAdmin):
    resource_classes = [resources.EmployeeResource]
    list_display = ["employee_no", "name", "department", "position", "manager", "region", "territory", "is_active",
                    "user"]
    list_filter = ["department", "position", "region", "is_active"]
    list_select_related = ["department", "manager", "user"]
    search_fields = ["employee_no", "name", "territory", "user__email"]
    autocomplete_fields = ["department", "manager", "user"]


class ContactInline(ScopedChoicesMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "specialty", "phone", "email", "is_active"]


class AssignmentInline(AssignableChoicesMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["employee", "start_date", "end_date", "is_primary"]
    autocomplete_fields = ["employee"]
    ordering = ["-start_date"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("employee")
        if sees_all_sales(request.user):
            return queryset
        return queryset & Assignment.objects.visible_to(request.user)


class RecentInteractionInline(admin.TabularInline):
    """The ten latest activities, read-only (log new ones under 영업 활동)."""

    model = Interaction
    verbose_name_plural = _("최근 영업 활동")
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["occurred_at", "interaction_type", "employee", "contact", "summary", "next_action_due"]
    readonly_fields = fields

    def recent_for(self, request, customer):
        queryset = Interaction.objects.filter(customer=customer)
        if not sees_all_sales(request.user):
            queryset = queryset & Interaction.objects.visible_to(request.user)
        latest = queryset.order_by("-occurred_at", "-id").values("pk")[:10]
        return Interaction.objects.filter(pk__in=latest).select_related("employee", "contact", "customer")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CustomerAdminForm(forms.ModelForm):
    business_registration_number = forms.CharField(
        label=_("사업자등록번호"), max_length=12, required=False, help_text=_("예: 220-81-62517 (하이픈은 빼고 저장)"))

    class Meta:
        model = Customer
        fields = "__all__"

    def clean_business_registration_number(self):
        return services.normalize_business_registration_number(self.cleaned_data["business_registration_number"])


@admin.register(Customer)
class CustomerAdmin(ImportExportVisibleAdmin):
    form = CustomerAdminForm
    resource_classes = [resources.CustomerResource]
    list_display = ["code", "name", "customer_type", "region", "specialty", "phone", "is_active"]
    list_filter = ["customer_type", "region", "is_active"]
    search_fields = ["code", "name", "business_registration_number"]
    inlines = [ContactInline, AssignmentInline, RecentInteractionInline]
    readonly_fields = ["created_at", "updated_at"]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, RecentInteractionInline) and obj is not None and obj.pk:
            kwargs["queryset"] = inline.recent_for(request, obj)
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, object_id)
        if customer is not None:
            figures = selectors.customer_monthly_figures(customer=customer, viewer=request.user)
            extra_context = {**(extra_context or {}), "performance_chart": selectors.performance_chart(figures)}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Contact)
class ContactAdmin(VisibleToMixin, admin.ModelAdmin):
    list_display = ["name", "title", "specialty", "customer", "phone", "is_active"]
    list_filter = ["is_active", "customer__customer_type"]
    list_select_related = ["customer"]
    search_fields = ["name", "specialty", "customer__name"]
    autocomplete_fields = ["customer"]


@admin.register(Product)
class ProductAdmin(ImportExportVisibleAdmin):
    resource_classes = [resources.ProductResource]
    list_display = ["code", "name", "name_en", "ingredient", "strength", "dosage_form", "therapeutic_area",
                    unit_price_won, "edi_code", "is_active"]
    list_filter = ["therapeutic_area", "dosage_form", "is_active"]
    search_fields = ["code", "name", "name_en", "ingredient", "ingredient_en", "edi_code"]
    date_hierarchy = "launch_date"


@admin.register(Assignment)
class AssignmentAdmin(AssignableChoicesMixin, VisibleToMixin, admin.ModelAdmin):
    list_display = ["employee", "customer", "start_date", "end_date", "is_primary"]
    list_filter = ["is_primary", "employee__department"]
    list_select_related = ["employee", "customer"]
    search_fields = ["employee__name", "employee__employee_no", "customer__name", "customer__code"]
    autocomplete_fields = ["employee", "customer"]
    date_hierarchy = "start_date"


@admin.register(Interaction)
class InteractionAdmin(VisibleToMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "interaction_type", "employee", "customer", "contact", "next_action_due"]
    list_filter = ["interaction_type", "employee__department", "customer__customer_type"]
    list_select_related = ["employee", "customer", "contact"]
    search_fields = ["customer__name", "customer__code", "employee__name", "summary"]
    autocomplete_fields = ["employee", "customer", "contact", "products"]
    paginator = EstimatedCountPaginator
    date_hierarchy = "occurred_at"


@admin.register(SalesRecord)
class SalesRecordAdmin(ImportExportVisibleAdmin):
    resource_classes = [resources.SalesRecordResource]
    list_display = ["sale_date", "customer", "product", "employee", "quantity", unit_price_won, amount_won]
    list_filter = ["employee__department", "product__therapeutic_area", "customer__customer_type",
                   "customer__region"]
    list_select_related = ["customer", "product", "employee"]
    search_fields = ["customer__name"]  # see get_search_results: customer, product or employee name or code
    autocomplete_fields = ["employee", "customer", "product"]
    date_hierarchy = "sale_date"
    list_per_page = 50
    paginator = EstimatedCountPaginator
    fields = ["sale_date", "employee", "customer", "product", "quantity", "unit_price", "amount"]
    readonly_fields = ["amount"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "unit_price" in form.base_fields:
            form.base_fields["unit_price"].required = False
            form.base_fields["unit_price"].help_text = _("비워 두면 제품 단가를 씁니다. 금액은 수량 × 단가로 계산됩니다.")
        return form

    def save_model(self, request, obj, form, change):
        services.sales_record_save(record=obj)

    change_list_template = "admin/sales/salesrecord/change_list.html"  # import-export wraps it

    def changelist_view(self, request, extra_context=None):
        """The date drill-down's years and months from MIN/MAX on the sale_date index: Django's own asks for
        DISTINCT years (months) over every matching sales record, a scan of ~0.3 s per million rows."""
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if not context or "cl" not in context or "sale_date__month" in request.GET:
            return response
        cl, year = context["cl"], request.GET.get("sale_date__year")
        span = cl.queryset.aggregate(first=Min("sale_date"), last=Max("sale_date"))
        if span["first"] is None:
            context["sale_dates"] = {"choices": [], "back": None}
        elif year is None:
            context["sale_dates"] = {"back": None, "choices": [
                {"title": str(y), "link": cl.get_query_string({"sale_date__year": y})}
                for y in range(span["first"].year, span["last"].year + 1)]}
        else:
            context["sale_dates"] = {
                "back": {"link": cl.get_query_string(remove=["sale_date__year"]), "title": _("전체 기간")},
                "choices": [{"title": f"{year}년 {m}월",
                             "link": cl.get_query_string({"sale_date__year": year, "sale_date__month": m})}
                            for m in range(span["first"].month, span["last"].month + 1)]}
        return response

    SEARCH_MATCH_LIMIT = 1000

    def get_search_results(self, request, queryset, search_term):
        """Look the term up in the small tables first, then filter sales by ids (index scans, no join + LIKE
        over every sales row)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        limit = self.SEARCH_MATCH_LIMIT
        customers = list(Customer.objects.filter(Q(code__iexact=term) | Q(name__icontains=term))
                         .values_list("pk", flat=True)[:limit])
        products = list(Product.objects.filter(Q(code__iexact=term) | Q(name__icontains=term)
                                               | Q(ingredient__icontains=term)).values_list("pk", flat=True)[:limit])
        employees = list(Employee.objects.filter(Q(employee_no__iexact=term) | Q(name__icontains=term))
                         .values_list("pk", flat=True)[:limit])
        match = Q(customer_id__in=customers) | Q(product_id__in=products) | Q(employee_id__in=employees)
        return queryset.filter(match), False


@admin.register(CustomerMonthlyPerformance)
class CustomerMonthlyPerformanceAdmin(ReadOnlyAdminMixin, VisibleToMixin, admin.ModelAdmin):
    list_display = ["month", "customer", "department", total_amount_won, "total_quantity", "sales_count",
                    "interaction_count"]
    list_filter = ["department", "customer__customer_type", "customer__region"]
    list_select_related = ["customer", "department"]
    search_fields = ["customer__name", "customer__code"]
    date_hierarchy = "month"
    actions = ["refresh"]

    def has_refresh_permission(self, request):
        return can_refresh_sales_summaries(request.user)

    @admin.action(description=_("월별 실적 새로 고침 (전체)"), permissions=["refresh"])
    def refresh(self, request, queryset):
        seconds = services.performance_refresh()
        self.message_user(request, _("월별 실적을 새로 고쳤습니다 (%.1f초).") % seconds, messages.SUCCESS)

