from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.validators import plausible_moment
from sales import services
from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerMonthlyPerformance,
    Employee,
    Interaction,
    Product,
    Region,
    SalesRecord,
)


class _ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A writable relation that only accepts objects the caller may see (others read as 'does not exist')."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


class _AssignableRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation limited to what the caller may assign; anything else reads exactly like a nonexistent id."""

    def __init__(self, model, *, not_found_message, **kwargs):
        self.model = model
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].update(does_not_exist=not_found_message, incorrect_type=not_found_message)
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        return self.model.objects.assignable_by(self.context["request"].user)


class EmployeeSerializer(serializers.ModelSerializer):
    department_code = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    manager_name = serializers.CharField(source="manager.name", read_only=True, default=None, allow_null=True)
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "employee_no", "name", "department", "department_code", "department_name", "position",
                  "manager", "manager_name", "region", "territory", "hire_date", "is_active"]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    customer_type_display = serializers.CharField(source="get_customer_type_display", read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "code", "name", "customer_type", "customer_type_display", "specialty", "region", "address",
                  "business_registration_number", "phone", "is_active"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    customer = _ScopedRelatedField(Customer)

    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "title", "specialty", "phone", "email", "is_active"]
        read_only_fields = ["is_active"]  # a new contact is active; PATCH deactivates it


class ContactUpdateSerializer(ContactSerializer):
    customer = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ContactSerializer.Meta):
        read_only_fields = []


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "name_en", "ingredient", "ingredient_en", "therapeutic_area", "dosage_form",
                  "strength", "unit_price", "edi_code", "launch_date", "is_active"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    employee = _AssignableRelatedField(Employee, not_found_message=services.EMPLOYEE_NOT_FOUND)
    customer = _AssignableRelatedField(Customer, not_found_message=services.CUSTOMER_NOT_FOUND)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "employee", "employee_name", "customer", "customer_name", "start_date", "end_date",
                  "is_primary"]
        validators = []  # overlap is checked by the service (full_clean) and the exclusion constraint

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("종료일은 시작일과 같거나 그 뒤여야 합니다.")]})
        return attrs


class AssignmentUpdateSerializer(AssignmentSerializer):
    employee = serializers.PrimaryKeyRelatedField(read_only=True)
    customer = serializers.PrimaryKeyRelatedField(read_only=True)


class InteractionSerializer(serializers.ModelSerializer):
    customer = _ScopedRelatedField(Customer)
    occurred_at = serializers.DateTimeField(validators=[plausible_moment])
    contact = _ScopedRelatedField(Contact, required=False, allow_null=True)
    products = _ScopedRelatedField(Product, many=True, required=False)
    employee = serializers.PrimaryKeyRelatedField(read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    contact_name = serializers.CharField(source="contact.name", read_only=True, default=None, allow_null=True)
    interaction_type_display = serializers.CharField(source="get_interaction_type_display", read_only=True)

    class Meta:
        model = Interaction
        fields = ["id", "employee", "employee_name", "customer", "customer_name", "contact", "contact_name",
                  "interaction_type", "interaction_type_display", "occurred_at", "products", "summary",
                  "next_action", "next_action_due", "created_at"]
        read_only_fields = ["created_at"]


class InteractionUpdateSerializer(InteractionSerializer):
    customer = serializers.PrimaryKeyRelatedField(read_only=True)


class SalesRecordSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = SalesRecord
        fields = ["id", "sale_date", "employee", "employee_name", "customer", "customer_name", "product",
                  "product_name", "quantity", "unit_price", "amount"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2025-03",
                     "description": "YYYY-MM"})
class MonthField(serializers.DateField):
    """A month, shown as YYYY-MM (the view stores its first day)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class PerformanceSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    month = MonthField(read_only=True)

    class Meta:
        model = CustomerMonthlyPerformance
        fields = ["id", "customer", "customer_name", "department", "department_code", "month", "total_amount", "total_quantity", "sales_count",
                  "interaction_count"]
        read_only_fields = fields
