"""import_sales: every bad value is a row error (`N행 column: reason`) or one line, never a traceback."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sales.models import SalesRecord
from sales.tests.factories import CustomerFactory, EmployeeFactory, ProductFactory

pytestmark = pytest.mark.django_db
HEADER = "sale_date,employee_no,customer_code,product_code,quantity,unit_price,amount\n"
GOOD = "2025-03-31,E1001,C00001,P001,2,650,1300\n"


@pytest.fixture
def refs(db):
    EmployeeFactory(employee_no="E1001")
    CustomerFactory(code="C00001")
    ProductFactory(code="P001", unit_price=Decimal("650.00"))


def rejected_lines(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_sales", str(path), "--no-progress", stderr=err)
    return err.getvalue().splitlines(), str(raised.value)


@pytest.mark.parametrize(("row", "column", "reason"), [
    ("2025-04-01,E1001,C00001,P001,2,NaN,", "unit_price", "NaN"),
    ("2025-04-01,E1001,C00001,P001,2,inf,", "unit_price", "NaN 또는 무한대"),
    ("2025-04-01,E1001,C00001,P001,NaN,650,", "quantity", "NaN"),
    ("2025-04-01,E1001,C00001,P001,Infinity,650,", "quantity", "무한대"),
    ("2025-04-01,E1001,C00001,P001,99999999999,650,", "quantity", "너무 큽니다"),
    ("2025-04-01,E1001,C00001,P001,1e400,650,", "quantity", "너무 큽니다"),
    ("2025-04-01,E1001,C00001,P001,2,123456789012345,", "unit_price", "너무 큽니다"),
    ("2025-04-01,E1001,C00001,P001,2000000000,9999999999,", "amount", "너무 큽니다"),
    ("2025-04-01,E1001,C00001,P001,2,650,1e999", "amount", "너무 큽니다"),
    ("2025-13-45,E1001,C00001,P001,2,650,", "sale_date", "날짜"),
])
def test_bad_value_is_a_row_error_and_nothing_is_written(refs, tmp_path, row, column, reason):
    path = tmp_path / "sales.csv"
    path.write_text(HEADER + GOOD + row + "\n", encoding="utf-8")

    lines, summary = rejected_lines(path)

    assert any(line.startswith(f"3행 {column}: ") and reason in line for line in lines), lines
    assert "아무것도 저장하지 않음" in summary
    assert SalesRecord.objects.count() == 0


def test_corrupt_xlsx_is_one_line_naming_the_file(refs, tmp_path):
    path = tmp_path / "실적.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook" * 20)

    _, message = rejected_lines(path)

    assert "XLSX 파일을 읽을 수 없습니다" in message and "실적.xlsx" in message and "\n" not in message


def test_truncated_xlsx_is_one_line(refs, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["sale_date", "employee_no", "customer_code", "product_code", "quantity"])
    for day in range(1, 29):
        workbook.active.append([f"2025-02-{day:02d}", "E1001", "C00001", "P001", 1])
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    _, message = rejected_lines(path)

    assert "XLSX 파일을 읽을 수 없습니다" in message
    assert SalesRecord.objects.count() == 0


def test_corrupt_xlsx_for_reference_data_is_one_line(db, tmp_path):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="XLSX 파일을 읽을 수 없습니다"):
        call_command("import_sales", str(path), "--kind", "customers", "--no-progress")


def test_wrong_encoding_suggests_cp949(refs, tmp_path):
    path = tmp_path / "erp.csv"
    path.write_bytes(("판매일,사번,거래처코드,제품코드,수량\n2025-03-31,E1001,C00001,P001,1\n").encode("cp949"))
    with pytest.raises(CommandError, match="cp949"):
        call_command("import_sales", str(path), "--no-progress")


# The command runs in its own process and must see the references (committed rows).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_line_shows_no_traceback_for_a_nan_price(refs, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(HEADER + "2025-04-01,E1001,C00001,P001,2,NaN,\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    from django.db import connection

    settings_dict = connection.settings_dict
    url = f"postgresql://postgres@/{settings_dict['NAME']}?host={settings_dict['HOST']}&port={settings_dict['PORT']}"
    result = subprocess.run([sys.executable, "manage.py", "import_sales", str(path), "--no-progress"], cwd=root,
                            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url,
                                 "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2행 unit_price: " in result.stderr
