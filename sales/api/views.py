"""Sales API: every queryset goes through `visible_to(request.user)`; writes go through sales.services."""

import csv

from django.http import StreamingHttpResponse
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.exports import safe_row
from sales import filters, services
from sales.api import serializers
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


class _VisibleQuerysetMixin:
    """The base queryset, restricted in SQL to what the caller may see (unseen objects answer 404)."""

    model = None
    related = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.related) if self.related else queryset


class _ServiceWriteMixin:
    """create/update validate input with the serializer and hand the write to a service."""

    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"} and self.update_serializer_class is not None:
            return self.update_serializer_class
        return super().get_serializer_class()

    def perform_write(self, serializer, instance=None):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_write(serializer)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        obj = self.perform_write(serializer, instance)
        return Response(self.get_serializer(obj).data)


class EmployeeViewSet(_VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Employee
    related = ("department", "manager")
    serializer_class = serializers.EmployeeSerializer
    filterset_class = filters.EmployeeFilter
    ordering_fields = ["employee_no", "name", "hire_date", "position"]
    ordering = ["employee_no"]


class CustomerViewSet(_VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Customer
    serializer_class = serializers.CustomerSerializer
    filterset_class = filters.CustomerFilter
    ordering_fields = ["name", "code", "region", "customer_type"]
    ordering = ["name", "code"]


class ContactViewSet(_VisibleQuerysetMixin, _ServiceWriteMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Contact
    serializer_class = serializers.ContactSerializer
    update_serializer_class = serializers.ContactUpdateSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["name", "customer"]
    ordering = ["customer", "name"]

    def perform_write(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        if instance is None:
            return services.contact_create(actor=self.request.user, **data)
        return services.contact_update(actor=self.request.user, contact=instance, **data)


class ProductViewSet(_VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Product
    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilter
    ordering_fields = ["name", "code", "unit_price", "launch_date"]
    ordering = ["name", "code"]


class AssignmentViewSet(_VisibleQuerysetMixin, _ServiceWriteMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Assignment
    related = ("employee", "customer")
    serializer_class = serializers.AssignmentSerializer
    update_serializer_class = serializers.AssignmentUpdateSerializer
    filterset_class = filters.AssignmentFilter
    ordering_fields = ["start_date", "end_date"]
    ordering = ["-start_date", "id"]

    def create(self, request, *args, **kwargs):
        # Refuse before validating ids, so a caller who may not assign learns nothing about which ids exist.
        if not services.may_manage_assignments(request.user):
            raise services.SalesPermissionDenied(services.ASSIGNMENTS_FORBIDDEN)
        return super().create(request, *args, **kwargs)

    def perform_write(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        if instance is None:
            return services.assignment_create(actor=self.request.user, **data)
        return services.assignment_update(actor=self.request.user, assignment=instance, **data)


class InteractionViewSet(_VisibleQuerysetMixin, _ServiceWriteMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Interaction
    related = ("employee", "customer", "contact")
    serializer_class = serializers.InteractionSerializer
    update_serializer_class = serializers.InteractionUpdateSerializer
    filterset_class = filters.InteractionFilter
    ordering_fields = ["occurred_at", "next_action_due"]
    ordering = ["-occurred_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(Prefetch("products", queryset=Product.objects.only("id")))

    def perform_write(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        if instance is None:
            return services.interaction_create(actor=self.request.user, **data)
        return services.interaction_update(actor=self.request.user, interaction=instance, **data)


class _Echo:
    def write(self, value):
        return value


class SalesRecordViewSet(_VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = SalesRecord
    related = ("employee", "customer", "product")
    serializer_class = serializers.SalesRecordSerializer
    filterset_class = filters.SalesRecordFilter
    ordering_fields = ["sale_date", "amount", "quantity"]
    ordering = ["-sale_date", "-id"]

    CSV_COLUMNS = [
        ("sale_date", "판매일"), ("employee__employee_no", "사번"), ("employee__name", "직원"),
        ("customer__code", "거래처 코드"), ("customer__name", "거래처"), ("product__code", "제품 코드"),
        ("product__name", "제품"), ("quantity", "수량"), ("unit_price", "단가"), ("amount", "금액"),
    ]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
                   description="필터를 적용한 판매 실적을 CSV(UTF-8, Excel 호환)로 내려받습니다.")
    @action(detail=False, methods=["get"], url_path="csv", pagination_class=None)
    def export_csv(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.values_list(*(field for field, _ in self.CSV_COLUMNS)).iterator(chunk_size=5000)
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff" + writer.writerow([label for _, label in self.CSV_COLUMNS])
            for row in rows:
                yield writer.writerow(safe_row(row))

        filename = f"sales-records-{timezone.localdate():%Y%m%d}.csv"
        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class PerformanceViewSet(_VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = CustomerMonthlyPerformance
    related = ("customer", "department")
    serializer_class = serializers.PerformanceSerializer
    filterset_class = filters.PerformanceFilter
    ordering_fields = ["month", "total_amount", "total_quantity", "sales_count", "interaction_count"]
    ordering = ["-month", "customer", "department"]
