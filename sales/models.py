"""The sales organisation's data (seed 003's ERD): employees, customers, products, assignments,
interactions, sales records and the customer monthly performance materialized view."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sales.querysets import (
    AssignmentQuerySet,
    ContactQuerySet,
    CustomerQuerySet,
    EmployeeQuerySet,
    InteractionQuerySet,
    PerformanceQuerySet,
    ProductQuerySet,
    SalesRecordQuerySet,
)
from sales.validators import validate_business_registration_number


class DateRange(models.Func):
    """daterange(start, end, '[]'): an inclusive period; an open end (NULL) means 'until further notice'."""

    function = "daterange"
    output_field = DateRangeField()


class Region(models.TextChoices):
    SEOUL = "서울", _("서울특별시")
    BUSAN = "부산", _("부산광역시")
    DAEGU = "대구", _("대구광역시")
    INCHEON = "인천", _("인천광역시")
    GWANGJU = "광주", _("광주광역시")
    DAEJEON = "대전", _("대전광역시")
    ULSAN = "울산", _("울산광역시")
    SEJONG = "세종", _("세종특별자치시")
    GYEONGGI = "경기", _("경기도")
    GANGWON = "강원", _("강원특별자치도")
    CHUNGBUK = "충북", _("충청북도")
    CHUNGNAM = "충남", _("충청남도")
    JEONBUK = "전북", _("전북특별자치도")
    JEONNAM = "전남", _("전라남도")
    GYEONGBUK = "경북", _("경상북도")
    GYEONGNAM = "경남", _("경상남도")
    JEJU = "제주", _("제주특별자치도")


class Position(models.TextChoices):
    STAFF = "사원", _("사원")
    SENIOR = "대리", _("대리")
    MANAGER = "과장", _("과장")
    DEPUTY = "차장", _("차장")
    GENERAL = "부장", _("부장")
    TEAM_LEAD = "팀장", _("팀장")
    DIRECTOR = "본부장", _("본부장")


class Employee(models.Model):
    employee_no = models.CharField(_("사번"), max_length=20, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("부서"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("직급"), max_length=10, choices=Position.choices, default=Position.STAFF)
    manager = models.ForeignKey(
        "self", verbose_name=_("상급자"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    region = models.CharField(_("담당 지역"), max_length=10, choices=Region.choices, blank=True)
    territory = models.CharField(_("담당 권역"), max_length=100, blank=True)
    hire_date = models.DateField(_("입사일"), null=True, blank=True)
    is_active = models.BooleanField(_("재직"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("로그인 사용자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("직원")
        verbose_name_plural = _("직원")
        constraints = [
            models.CheckConstraint(condition=~Q(manager=F("pk")), name="sales_employee_not_own_manager"),
        ]
        indexes = [models.Index(fields=["department", "is_active"], name="sales_emp_dept_active_idx")]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"


class CustomerType(models.TextChoices):
    TERTIARY_HOSPITAL = "상급종합병원", _("상급종합병원")
    GENERAL_HOSPITAL = "종합병원", _("종합병원")
    HOSPITAL = "병원", _("병원")
    CLINIC = "의원", _("의원")
    PHARMACY = "약국", _("약국")
    WHOLESALER = "도매상", _("도매상")


class Customer(models.Model):
    code = models.CharField(_("거래처 코드"), max_length=20, unique=True)
    name = models.CharField(_("거래처명"), max_length=200)
    customer_type = models.CharField(_("유형"), max_length=10, choices=CustomerType.choices)
    specialty = models.CharField(_("진료과"), max_length=100, blank=True)
    region = models.CharField(_("시/도"), max_length=10, choices=Region.choices)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    business_registration_number = models.CharField(
        _("사업자등록번호"),
        max_length=10,
        blank=True,
        validators=[validate_business_registration_number],
        help_text=_("숫자 10자리 (하이픈 없이)"),
    )
    phone = models.CharField(
        _("전화번호"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9][0-9-]{6,18}$", _("전화번호는 숫자와 하이픈만 사용할 수 있습니다."))],
    )
    is_active = models.BooleanField(_("거래 중"), default=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("거래처")
        verbose_name_plural = _("거래처")
        constraints = [
            models.CheckConstraint(
                condition=Q(business_registration_number="") | Q(business_registration_number__regex=r"^[0-9]{10}$"),
                name="sales_customer_brn_10_digits",
            ),
            models.CheckConstraint(
                condition=Q(customer_type__in=CustomerType.values), name="sales_customer_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "customer_type"], name="sales_cust_region_type_idx"),
            models.Index(fields=["name"], name="sales_cust_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        super().clean()
        self.business_registration_number = (self.business_registration_number or "").replace("-", "").strip()


class Contact(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("거래처"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("이름"), max_length=100)
    title = models.CharField(_("직함"), max_length=100, blank=True, help_text=_("예: 과장, 교수, 약국장"))
    specialty = models.CharField(_("전문 분야"), max_length=100, blank=True)
    phone = models.CharField(_("전화번호"), max_length=20, blank=True)
    email = models.EmailField(_("이메일"), blank=True)
    is_active = models.BooleanField(_("활성"), default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "name"]
        verbose_name = _("거래처 담당자")
        verbose_name_plural = _("거래처 담당자")

    def __str__(self):
        return f"{self.name} {self.title}".strip()


class TherapeuticArea(models.TextChoices):
    CARDIOVASCULAR = "순환기", _("순환기")
    ONCOLOGY = "항암", _("항암")
    DIABETES = "당뇨", _("당뇨/대사")
    RESPIRATORY = "호흡기", _("호흡기")
    GASTRO = "소화기", _("소화기")
    CNS = "중추신경", _("중추신경")
    ANTI_INFECTIVE = "항감염", _("항감염")
    MUSCULOSKELETAL = "근골격", _("근골격")


class DosageForm(models.TextChoices):
    TABLET = "정제", _("정제")
    CAPSULE = "캡슐", _("캡슐")
    INJECTION = "주사제", _("주사제")
    SYRUP = "시럽", _("시럽")
    INHALER = "흡입제", _("흡입제")
    PATCH = "패치", _("패치")


class Product(models.Model):
    code = models.CharField(_("제품 코드"), max_length=20, unique=True)
    name = models.CharField(_("제품명"), max_length=200)
    name_en = models.CharField(_("영문 제품명"), max_length=200, blank=True)
    ingredient = models.CharField(_("성분명"), max_length=200)
    ingredient_en = models.CharField(_("영문 성분명"), max_length=200, blank=True)
    therapeutic_area = models.CharField(_("치료 영역"), max_length=20, choices=TherapeuticArea.choices)
    dosage_form = models.CharField(_("제형"), max_length=10, choices=DosageForm.choices)
    strength = models.CharField(_("함량"), max_length=50, blank=True, help_text=_("예: 10mg"))
    unit_price = models.DecimalField(_("단가"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    edi_code = models.CharField(
        _("보험코드(EDI)"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{9}$", _("보험코드(EDI)는 숫자 9자리입니다."))],
    )
    launch_date = models.DateField(_("출시일"), null=True, blank=True)
    is_active = models.BooleanField(_("판매 중"), default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("제품")
        verbose_name_plural = _("제품")
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(edi_code="") | Q(edi_code__regex=r"^[0-9]{9}$"), name="sales_product_edi_9_digits"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.strength}".strip()


class Assignment(models.Model):
    """assignment_map: which employee looks after which customer, and when (dates inclusive)."""

    employee = models.ForeignKey(Employee, verbose_name=_("직원"), on_delete=models.CASCADE, related_name="assignments")
    customer = models.ForeignKey(Customer, verbose_name=_("거래처"), on_delete=models.CASCADE, related_name="assignments")
    start_date = models.DateField(_("시작일"))
    end_date = models.DateField(_("종료일"), null=True, blank=True, help_text=_("비워 두면 현재 담당 중입니다."))
    is_primary = models.BooleanField(_("주담당"), default=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("담당 배정")
        verbose_name_plural = _("담당 배정")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="sales_assignment_end_after_start",
            ),
            ExclusionConstraint(
                name="sales_assignment_no_overlap",
                expressions=[
                    ("employee", RangeOperators.EQUAL),
                    ("customer", RangeOperators.EQUAL),
                    (DateRange("start_date", "end_date", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("같은 직원과 거래처의 담당 기간이 기존 배정과 겹칩니다."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "employee"], name="sales_assign_cust_emp_idx"),
        ]

    def __str__(self):
        end = self.end_date.isoformat() if self.end_date else "…"
        return f"{self.employee} → {self.customer} ({self.start_date.isoformat()} ~ {end})"


class InteractionType(models.TextChoices):
    VISIT = "visit", _("방문")
    CALL = "call", _("전화")
    EMAIL = "email", _("이메일")
    EVENT = "event", _("학술행사")
    DETAILING = "detailing", _("디테일링")


class Interaction(models.Model):
    """interaction_logs: one sales activity with a customer."""

    employee = models.ForeignKey(Employee, verbose_name=_("직원"), on_delete=models.PROTECT, related_name="interactions")
    customer = models.ForeignKey(Customer, verbose_name=_("거래처"), on_delete=models.PROTECT, related_name="interactions")
    contact = models.ForeignKey(
        Contact, verbose_name=_("면담자"), null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    interaction_type = models.CharField(_("활동 유형"), max_length=10, choices=InteractionType.choices)
    occurred_at = models.DateTimeField(_("활동 일시"))
    products = models.ManyToManyField(Product, verbose_name=_("논의 제품"), blank=True, related_name="interactions")
    summary = models.TextField(_("내용"))
    next_action = models.CharField(_("다음 할 일"), max_length=300, blank=True)
    next_action_due = models.DateField(_("다음 할 일 기한"), null=True, blank=True)
    created_at = models.DateTimeField(_("기록 시각"), auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("영업 활동")
        verbose_name_plural = _("영업 활동")
        constraints = [
            models.CheckConstraint(
                condition=Q(interaction_type__in=InteractionType.values), name="sales_interaction_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(next_action_due__isnull=True) | ~Q(next_action=""),
                name="sales_interaction_due_needs_action",
                violation_error_message=_("기한을 정하려면 다음 할 일을 입력하세요."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="sales_int_cust_when_idx"),
            models.Index(fields=["employee", "occurred_at"], name="sales_int_emp_when_idx"),
            models.Index(fields=["occurred_at", "id"], name="sales_int_when_idx"),
        ]

    def __str__(self):
        return f"{self.get_interaction_type_display()} · {self.customer.name} · {self.occurred_at:%Y-%m-%d}"


class SalesRecord(models.Model):
    """sales_records: one sale (usually one ERP invoice line)."""

    employee = models.ForeignKey(Employee, verbose_name=_("직원"), on_delete=models.PROTECT, related_name="sales_records")
    customer = models.ForeignKey(
        Customer, verbose_name=_("거래처"), on_delete=models.PROTECT, related_name="sales_records"
    )
    product = models.ForeignKey(Product, verbose_name=_("제품"), on_delete=models.PROTECT, related_name="sales_records")
    sale_date = models.DateField(_("판매일"))
    quantity = models.PositiveIntegerField(_("수량"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("단가"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    amount = models.DecimalField(_("금액"), max_digits=16, decimal_places=2)

    objects = SalesRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-sale_date", "-id"]
        verbose_name = _("판매 실적")
        verbose_name_plural = _("판매 실적")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="sales_record_quantity_positive",
                violation_error_message=_("수량은 1 이상이어야 합니다."),
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_record_price_not_negative"),
            models.CheckConstraint(
                condition=Q(amount=F("quantity") * F("unit_price")), name="sales_record_amount_is_qty_x_price",
                violation_error_message=_("금액은 수량 × 단가와 같아야 합니다."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "sale_date"], name="sales_rec_cust_date_idx"),
            models.Index(fields=["employee", "sale_date"], name="sales_rec_emp_date_idx"),
            models.Index(fields=["product", "sale_date"], name="sales_rec_prod_date_idx"),
            models.Index(fields=["sale_date", "id"], name="sales_rec_date_id_idx"),
        ]

    def __str__(self):
        return f"{self.sale_date} {self.customer_id}/{self.product_id} × {self.quantity}"


class CustomerMonthlyPerformance(models.Model):
    """customer_monthly_performance_mv (seed 003), a materialized view (migrations 0002, 0003).

    One row per customer, department (of the records' employees) and month with sales or interactions;
    refresh with `manage.py refresh_performance`.
    """

    id = models.CharField(primary_key=True, max_length=40)
    customer = models.ForeignKey(
        Customer, verbose_name=_("거래처"), on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("부서"), on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+"
    )
    month = models.DateField(_("월"))
    total_amount = models.DecimalField(_("매출액"), max_digits=18, decimal_places=2)
    total_quantity = models.BigIntegerField(_("수량"))
    sales_count = models.IntegerField(_("판매 건수"))
    interaction_count = models.IntegerField(_("활동 건수"))

    objects = PerformanceQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "customer_monthly_performance_mv"
        ordering = ["-month", "customer", "department"]
        verbose_name = _("거래처 월별 실적")
        verbose_name_plural = _("거래처 월별 실적")

    def __str__(self):
        return f"{self.customer_id}/{self.department_id} {self.month:%Y-%m}"
