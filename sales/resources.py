"""django-import-export resources: the column layout of the CSV/XLSX files staff exchange with the ERP.

Foreign keys are written and read by their business keys (사번, 거래처 코드, 제품 코드, 부서 코드), never by ids.
Exported cells go through core.exports.safe_cell (no live spreadsheet formulas).
"""

from decimal import Decimal, InvalidOperation

from import_export import fields, resources, widgets

from accounts.models import Department
from core.exports import safe_cell
from sales.models import Customer, Employee, Product, SalesRecord
from sales.services import normalize_business_registration_number


class SafeExportResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class EmployeeResource(SafeExportResource):
    department = fields.Field(attribute="department", column_name="department",
                              widget=widgets.ForeignKeyWidget(Department, "code"))
    manager = fields.Field(attribute="manager", column_name="manager",
                           widget=widgets.ForeignKeyWidget(Employee, "employee_no"))

    class Meta:
        model = Employee
        import_id_fields = ["employee_no"]
        fields = ["employee_no", "name", "department", "position", "manager", "region", "territory", "hire_date",
                  "is_active"]
        skip_unchanged = True
        clean_model_instances = True


class CustomerResource(SafeExportResource):
    class Meta:
        model = Customer
        import_id_fields = ["code"]
        fields = ["code", "name", "customer_type", "specialty", "region", "address", "business_registration_number",
                  "phone", "is_active"]
        skip_unchanged = True
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        if "business_registration_number" in row:
            row["business_registration_number"] = normalize_business_registration_number(
                str(row["business_registration_number"] or "")
            )


class ProductResource(SafeExportResource):
    class Meta:
        model = Product
        import_id_fields = ["code"]
        fields = ["code", "name", "name_en", "ingredient", "ingredient_en", "therapeutic_area", "dosage_form",
                  "strength", "unit_price", "edi_code", "launch_date", "is_active"]
        skip_unchanged = True
        clean_model_instances = True


class SalesRecordResource(SafeExportResource):
    """New sales lines (id empty) are added; `amount` is computed when left empty."""

    employee = fields.Field(attribute="employee", column_name="employee_no",
                            widget=widgets.ForeignKeyWidget(Employee, "employee_no"))
    customer = fields.Field(attribute="customer", column_name="customer_code",
                            widget=widgets.ForeignKeyWidget(Customer, "code"))
    product = fields.Field(attribute="product", column_name="product_code",
                           widget=widgets.ForeignKeyWidget(Product, "code"))

    class Meta:
        model = SalesRecord
        fields = ["id", "sale_date", "employee", "customer", "product", "quantity", "unit_price", "amount"]
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        if not row.get("amount"):
            try:
                row["amount"] = str(Decimal(str(row.get("quantity"))) * Decimal(str(row.get("unit_price"))))
            except (InvalidOperation, TypeError, ValueError):
                pass  # full_clean() reports the bad quantity or unit price on its column
