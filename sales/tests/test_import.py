"""manage.py import_sales: all or nothing, errors named by row, column and reason."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.models import TraceLog
from sales.models import Customer, CustomerMonthlyPerformance, SalesRecord
from sales.tests.factories import CustomerFactory, EmployeeFactory, ProductFactory

pytestmark = pytest.mark.django_db

HEADER = "sale_date,employee_no,customer_code,product_code,quantity,unit_price,amount\n"


@pytest.fixture
def refs(db):
    return {
        "employee": EmployeeFactory(employee_no="E1001"),
        "customer": CustomerFactory(code="C00001", name="한빛대학교병원"),
        "product": ProductFactory(code="P001", unit_price=Decimal("650.00")),
    }


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sales", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, name="sales.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_valid_csv_is_imported_and_the_monthly_view_refreshed(refs, tmp_path):
    path = write(tmp_path, HEADER + "2025-03-02,E1001,C00001,P001,10,650,6500\n"
                                    "2025-03-05,E1001,C00001,P001,2,,\n")
    out, _ = run(path)
    assert "2행 가져옴" in out
    assert SalesRecord.objects.count() == 2
    assert SalesRecord.objects.get(quantity=2).amount == Decimal("1300.00")  # price from the product
    month = CustomerMonthlyPerformance.objects.get(customer=refs["customer"], month=datetime.date(2025, 3, 1))
    assert month.total_amount == Decimal("7800.00") and month.sales_count == 2


def test_bad_rows_are_reported_by_row_column_and_reason_and_nothing_is_written(refs, tmp_path):
    path = write(tmp_path, HEADER + "2025-03-02,E1001,C00001,P001,10,650,6500\n"
                                    "2025-03-03,E1001,C99999,P001,1,650,650\n"
                                    "2025-03-04,E1001,C00001,P001,0,650,0\n"
                                    "2025-03-05,E1001,C00001,P001,2,650,9999\n"
                                    "03/06/2025,E1001,C00001,P001,2,650,1300\n")
    with pytest.raises(CommandError, match="4개 오류"):
        run(path)
    assert SalesRecord.objects.count() == 0
    trace = TraceLog.objects.get(step="sales_import")  # the failed job is visible in the system trace log
    assert trace.outcome == "error" and "4개 오류" in trace.error and len(trace.detail["errors"]) == 4


def test_error_lines_name_the_row_and_column(refs, tmp_path, capsys):
    path = write(tmp_path, HEADER + "2025-03-02,E1001,C00001,P001,10,650,6500\n"
                                    "2025-03-03,E1001,C99999,P001,1,650,650\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sales", str(path), "--no-progress", stderr=err)
    assert "3행 customer_code: 등록되지 않은 거래처 코드입니다: C99999" in err.getvalue()


def test_rows_already_sent_in_earlier_batches_are_rolled_back(refs, tmp_path):
    good = "".join(f"2025-03-{d:02d},E1001,C00001,P001,1,650,650\n" for d in range(1, 21))
    path = write(tmp_path, HEADER + good + "2025-03-21,E9999,C00001,P001,1,650,650\n")
    with pytest.raises(CommandError):
        run(path, "--batch-size", "5")
    assert SalesRecord.objects.count() == 0


def test_missing_required_column_is_reported_on_row_one(refs, tmp_path):
    path = write(tmp_path, "sale_date,employee_no,product_code,quantity\n2025-03-02,E1001,P001,1\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sales", str(path), "--no-progress", stderr=err)
    assert "1행 customer_code: 필수 열이 없습니다." in err.getvalue()


def test_korean_headers_and_cp949_erp_exports_are_accepted(refs, tmp_path):
    path = write(tmp_path, "판매일,사번,거래처코드,제품코드,수량,단가,금액\n20250302,E1001,C00001,P001,\"1,000\",650,\"650,000\"\n",
                 encoding="cp949")
    run(path, "--encoding", "cp949")
    assert SalesRecord.objects.get().quantity == 1000


def test_xlsx_file_is_imported(refs, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sale_date", "employee_no", "customer_code", "product_code", "quantity"])
    sheet.append([datetime.datetime(2025, 4, 1), "E1001", "C00001", "P001", 3])
    sheet.append([datetime.date(2025, 4, 2), 1001, "C00001", "P001", 4.0])  # employee no. typed as a number
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError):  # 1001 is not E1001: reported, and the good row is not kept
        call_command("import_sales", str(path), "--no-progress", stderr=err)
    assert "3행 employee_no" in err.getvalue()
    assert SalesRecord.objects.count() == 0
    sheet.delete_rows(3)
    workbook.save(path)
    run(path)
    assert SalesRecord.objects.get().sale_date == datetime.date(2025, 4, 1)


def test_customers_file_with_an_invalid_registration_number_is_rejected_whole(db, tmp_path):
    path = write(tmp_path, "code,name,customer_type,region,business_registration_number\n"
                           "C10001,새봄의원,의원,서울,220-81-62517\n"
                           "C10002,다솜약국,약국,부산,1234567890\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sales", str(path), "--kind", "customers", "--no-progress", stderr=err)
    assert "3행 business_registration_number" in err.getvalue()
    assert not Customer.objects.exists()


def test_customers_file_is_imported_with_registration_numbers_normalised(db, tmp_path):
    path = write(tmp_path, "code,name,customer_type,region,business_registration_number\n"
                           "C10001,새봄의원,의원,서울,220-81-62517\n")
    out, _ = run(path, "--kind", "customers")
    assert "새로 1건" in out
    assert Customer.objects.get().business_registration_number == "2208162517"
