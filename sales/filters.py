"""django-filter FilterSets for the sales API (query parameters people actually use)."""

import datetime

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerMonthlyPerformance,
    CustomerType,
    Employee,
    Interaction,
    InteractionType,
    Product,
    Region,
    SalesRecord,
)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Local midnight, so date filters on timestamps can use the (…, occurred_at) indexes."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _id_filter(field_name: str, label):
    """A plain id filter: no lookup query to validate it, and an invisible id simply matches nothing."""
    return filters.NumberFilter(field_name=field_name, label=label)


class _SearchMixin:
    search_fields: tuple = ()

    def filter_search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class EmployeeFilter(_SearchMixin, filters.FilterSet):
    search_fields = ("name", "employee_no")
    q = filters.CharFilter(method="filter_search", label=_("이름/사번 검색"))
    department = filters.CharFilter(field_name="department__code", label=_("부서 코드"))
    region = filters.ChoiceFilter(choices=Region.choices)
    manager = _id_filter("manager_id", _("상급자 ID"))

    class Meta:
        model = Employee
        fields = ["q", "department", "region", "position", "manager", "is_active"]


class CustomerFilter(_SearchMixin, filters.FilterSet):
    search_fields = ("name", "code")
    q = filters.CharFilter(method="filter_search", label=_("거래처명/코드 검색"))
    type = filters.ChoiceFilter(field_name="customer_type", choices=CustomerType.choices, label=_("유형"))
    region = filters.ChoiceFilter(choices=Region.choices)
    specialty = filters.CharFilter(lookup_expr="icontains")
    employee = filters.NumberFilter(method="filter_employee", label=_("현재 담당 직원 ID"))
    department = filters.CharFilter(method="filter_department", label=_("현재 담당 부서 코드"))

    class Meta:
        model = Customer
        fields = ["q", "type", "region", "specialty", "is_active", "employee", "department"]

    def filter_employee(self, queryset, name, value):
        return queryset.filter(pk__in=Assignment.objects.current().filter(employee_id=value).values("customer_id"))

    def filter_department(self, queryset, name, value):
        current = Assignment.objects.current().filter(employee__department__code=value)
        return queryset.filter(pk__in=current.values("customer_id"))


class ContactFilter(_SearchMixin, filters.FilterSet):
    search_fields = ("name", "specialty")
    q = filters.CharFilter(method="filter_search", label=_("이름/전문 분야 검색"))
    customer = _id_filter("customer_id", _("거래처 ID"))

    class Meta:
        model = Contact
        fields = ["q", "customer", "is_active"]


class ProductFilter(_SearchMixin, filters.FilterSet):
    search_fields = ("name", "name_en", "ingredient", "ingredient_en", "code")
    q = filters.CharFilter(method="filter_search", label=_("제품명/성분명 검색"))

    class Meta:
        model = Product
        fields = ["q", "therapeutic_area", "dosage_form", "is_active"]


class AssignmentFilter(filters.FilterSet):
    current = filters.BooleanFilter(method="filter_current", label=_("오늘 기준 담당 중"))
    department = filters.CharFilter(field_name="employee__department__code", label=_("부서 코드"))
    start_from = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = filters.DateFilter(field_name="start_date", lookup_expr="lte")
    employee = _id_filter("employee_id", _("직원 ID"))
    customer = _id_filter("customer_id", _("거래처 ID"))

    class Meta:
        model = Assignment
        fields = ["employee", "customer", "is_primary", "current", "department", "start_from", "start_to"]

    def filter_current(self, queryset, name, value):
        current = queryset.current()
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class InteractionFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="occurred_at", method="filter_date_from", label=_("시작일"))
    date_to = filters.DateFilter(field_name="occurred_at", method="filter_date_to", label=_("종료일"))
    type = filters.ChoiceFilter(field_name="interaction_type", choices=InteractionType.choices, label=_("활동 유형"))
    product = filters.NumberFilter(field_name="products", label=_("논의 제품 ID"), distinct=True)
    department = filters.CharFilter(field_name="employee__department__code", label=_("부서 코드"))
    region = filters.ChoiceFilter(field_name="customer__region", choices=Region.choices)
    open_actions = filters.BooleanFilter(method="filter_open_actions", label=_("기한이 남은 다음 할 일"))
    customer = _id_filter("customer_id", _("거래처 ID"))
    employee = _id_filter("employee_id", _("직원 ID"))
    contact = _id_filter("contact_id", _("면담자 ID"))

    class Meta:
        model = Interaction
        fields = ["date_from", "date_to", "customer", "employee", "contact", "type", "product", "department",
                  "region", "open_actions"]

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_start_of_day(value + datetime.timedelta(days=1)))

    def filter_open_actions(self, queryset, name, value):
        pending = Q(next_action_due__gte=timezone.localdate())
        return queryset.filter(pending) if value else queryset.exclude(pending)


class SalesRecordFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="sale_date", lookup_expr="gte", label=_("판매일 시작"))
    date_to = filters.DateFilter(field_name="sale_date", lookup_expr="lte", label=_("판매일 끝"))
    department = filters.CharFilter(field_name="employee__department__code", label=_("부서 코드"))
    region = filters.ChoiceFilter(field_name="customer__region", choices=Region.choices)
    customer_type = filters.ChoiceFilter(field_name="customer__customer_type", choices=CustomerType.choices)
    therapeutic_area = filters.CharFilter(field_name="product__therapeutic_area")
    customer = _id_filter("customer_id", _("거래처 ID"))
    product = _id_filter("product_id", _("제품 ID"))
    employee = _id_filter("employee_id", _("직원 ID"))

    class Meta:
        model = SalesRecord
        fields = ["date_from", "date_to", "customer", "product", "employee", "department", "region",
                  "customer_type", "therapeutic_area"]


class PerformanceFilter(filters.FilterSet):
    month_from = filters.DateFilter(field_name="month", lookup_expr="gte", label=_("시작 월 (YYYY-MM-01)"))
    month_to = filters.DateFilter(field_name="month", lookup_expr="lte", label=_("끝 월 (YYYY-MM-01)"))
    region = filters.ChoiceFilter(field_name="customer__region", choices=Region.choices)
    customer_type = filters.ChoiceFilter(field_name="customer__customer_type", choices=CustomerType.choices)
    customer = _id_filter("customer_id", _("거래처 ID"))
    department = filters.CharFilter(field_name="department__code", label=_("부서 코드"))

    class Meta:
        model = CustomerMonthlyPerformance
        fields = ["customer", "department", "month_from", "month_to", "region", "customer_type"]
