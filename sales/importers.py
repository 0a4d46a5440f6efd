"""File imports for `manage.py import_sales`: all or nothing, with row-level errors.

Sales records stream from the file in batches and are written with PostgreSQL COPY inside one
transaction, so memory stays bounded by the batch size and the reference tables (employee numbers,
customer and product codes), never by the file. Any bad row rolls the whole file back.

Reference data (customers, products, employees) goes through the django-import-export resources the
admin uses; those files are small and are read whole.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from sales import resources
from sales.models import Customer, Employee, Product, SalesRecord

MAX_REPORTED_ERRORS = 100

# Accepted headers (ERP exports come in English or Korean): alias -> column.
SALES_COLUMNS = {
    "sale_date": ["sale_date", "date", "판매일", "판매일자", "매출일자"],
    "employee_no": ["employee_no", "employee", "사번", "직원사번"],
    "customer_code": ["customer_code", "customer", "거래처코드", "거래처 코드"],
    "product_code": ["product_code", "product", "제품코드", "제품 코드"],
    "quantity": ["quantity", "qty", "수량"],
    "unit_price": ["unit_price", "price", "단가"],
    "amount": ["amount", "금액", "매출액"],
}
REQUIRED_SALES_COLUMNS = ["sale_date", "employee_no", "customer_code", "product_code", "quantity"]


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self):
        return _("%(row)s행 %(column)s: %(reason)s") % {"row": self.row, "column": self.column or "-",
                                                       "reason": self.reason}


@dataclass
class ImportRejected(Exception):
    errors: list[RowError]
    error_count: int
    rows_read: int

    def __str__(self):
        return _("%(count)s개 오류로 가져오기를 취소했습니다 (아무것도 저장하지 않음).") % {"count": self.error_count}


@dataclass
class ImportResult:
    rows: int
    created: int = 0
    updated: int = 0
    extra: dict = field(default_factory=dict)


# --- Reading files -------------------------------------------------------------------------------

def _read_rows(path: Path, *, encoding: str) -> tuple[list[str], Iterator[tuple], int | None]:
    """(header, data rows, number of data rows when cheaply known). Streams; never loads the file."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook  # heavy: imported only when an XLSX file is given

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = [str(h or "").strip() for h in next(rows, ())]
        except FileNotFoundError:
            raise
        except Exception as exc:  # zipfile, XML and openpyxl errors: the file is not a readable workbook
            raise ValueError(unreadable_workbook(path, exc)) from None
        total = (sheet.max_row - 1) if sheet.max_row else None

        def data():
            try:
                for row in _guard_workbook_rows(path, rows):
                    yield row
            finally:
                workbook.close()

        return header, data(), total
    if path.suffix.lower() not in {".csv", ".txt"}:
        raise ValueError(_("CSV 또는 XLSX 파일만 가져올 수 있습니다: %s") % path.name)
    handle = open(path, newline="", encoding=encoding)
    reader = csv.reader(handle)
    try:
        header = [h.strip() for h in next(reader, [])]
    except (csv.Error, UnicodeDecodeError) as exc:
        handle.close()
        raise ValueError(unreadable_csv(path, encoding, exc)) from None

    def data():
        with handle:
            try:
                yield from reader
            except (csv.Error, UnicodeDecodeError) as exc:
                raise ValueError(unreadable_csv(path, encoding, exc, row=reader.line_num)) from None

    return header, data(), None


def _guard_workbook_rows(path: Path, rows):
    try:
        yield from rows
    except Exception as exc:  # a damaged sheet can fail halfway through
        raise ValueError(unreadable_workbook(path, exc)) from None


def unreadable_workbook(path: Path, exc: BaseException) -> str:
    return _("XLSX 파일을 읽을 수 없습니다(손상되었거나 XLSX 형식이 아닙니다): %(name)s (%(kind)s). "
             "엑셀에서 다시 저장하거나 CSV로 내보내 주세요.") % {"name": path.name, "kind": type(exc).__name__}


def unreadable_csv(path: Path, encoding: str, exc: BaseException, row: int | None = None) -> str:
    where = _("%(row)s행 근처") % {"row": row} if row else _("머리글")
    hint = _("--encoding cp949를 지정해 보세요.") if isinstance(exc, UnicodeDecodeError) else _("파일을 확인해 주세요.")
    return _("CSV 파일을 읽을 수 없습니다(%(where)s, 인코딩 %(encoding)s): %(name)s. %(hint)s") % {
        "where": where, "encoding": encoding, "name": path.name, "hint": hint}


def _column_positions(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    normalized = {h.strip().lower().replace(" ", ""): i for i, h in enumerate(header)}
    positions, errors = {}, []
    for column, aliases in SALES_COLUMNS.items():
        for alias in aliases:
            key = alias.lower().replace(" ", "")
            if key in normalized:
                positions[column] = normalized[key]
                break
    for column in REQUIRED_SALES_COLUMNS:
        if column not in positions:
            errors.append(RowError(1, column, _("필수 열이 없습니다.")))
    return positions, errors


# --- Parsing cells -------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    try:
        return datetime.date.fromisoformat(text)  # fast path: 2025-03-31 (and 20250331)
    except ValueError:
        pass
    for fmt in ("%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("날짜 형식이 아닙니다 (예: 2025-03-31): %r") % text)


# Column limits of SalesRecord: quantity is a PostgreSQL integer, unit_price numeric(12,2), amount numeric(16,2).
MAX_QUANTITY = 2_147_483_647
MAX_UNIT_PRICE = Decimal("9999999999.99")
MAX_AMOUNT = Decimal("99999999999999.99")


def _number(value) -> Decimal:
    """A finite number from a cell (text with thousands separators, or an XLSX number), else ValueError."""
    text = _text(value).replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(_("숫자가 아닙니다: %r") % text) from None
    if not number.is_finite():
        raise ValueError(_("숫자가 아닙니다(NaN 또는 무한대): %r") % text)
    return number


def _parse_quantity(value) -> int:
    number = _number(value)
    if number != number.to_integral_value():
        raise ValueError(_("정수가 아닙니다: %r") % _text(value))
    if number <= 0:
        raise ValueError(_("수량은 1 이상이어야 합니다."))
    if number > MAX_QUANTITY:
        raise ValueError(_("수량이 너무 큽니다(최대 %(max)s): %(value)s") % {"max": f"{MAX_QUANTITY:,}",
                                                                          "value": _text(value)})
    return int(number)


def _parse_money(value, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    number = _number(value)
    if number < 0:
        raise ValueError(_("음수일 수 없습니다."))
    if number > maximum:
        raise ValueError(_("값이 너무 큽니다(최대 %(max)s): %(value)s") % {"max": f"{maximum:,}", "value": _text(value)})
    return number.quantize(Decimal("0.01"))


def _parse_unit_price(value) -> Decimal:
    return _parse_money(value, maximum=MAX_UNIT_PRICE)


# --- Sales records -------------------------------------------------------------------------------

COPY_COLUMNS = ("employee_id", "customer_id", "product_id", "sale_date", "quantity", "unit_price", "amount")


def _copy_rows(rows: list[tuple]) -> None:
    table = SalesRecord._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def import_sales_records(path: Path | str, *, encoding: str = "utf-8-sig", batch_size: int = 5000,
                         progress: Callable[[int], None] | None = None,
                         on_total: Callable[[int | None], None] | None = None) -> ImportResult:
    """Add every sales line of the file, or none: raises ImportRejected listing the bad rows."""
    path = Path(path)
    header, rows, total = _read_rows(path, encoding=encoding)
    if on_total:
        on_total(total)
    positions, errors = _column_positions(header)
    if errors:
        raise ImportRejected(errors=errors, error_count=len(errors), rows_read=0)

    employees = dict(Employee.objects.values_list("employee_no", "id"))
    customers = dict(Customer.objects.values_list("code", "id"))
    products = {code: (pk, price) for code, pk, price in Product.objects.values_list("code", "id", "unit_price")}

    labels = {"employee_no": _("사번"), "customer_code": _("거래처 코드"), "product_code": _("제품 코드")}
    error_count, read, batch = 0, 0, []
    with transaction.atomic():
        for number, raw in enumerate(rows, start=2):
            if not any(_text(cell) for cell in raw):
                continue  # blank lines at the end of exports
            read += 1
            row_errors = []

            def cell(column):
                index = positions.get(column)
                return raw[index] if index is not None and index < len(raw) else None

            def parse(column, parser):
                try:
                    return parser(cell(column))
                except ValueError as exc:
                    row_errors.append(RowError(number, column, str(exc)))

            def lookup(column, table):
                code = _text(cell(column))
                if not code:
                    row_errors.append(RowError(number, column, _("값이 비어 있습니다.")))
                elif code not in table:
                    row_errors.append(RowError(number, column, _("등록되지 않은 %(label)s입니다: %(code)s")
                                               % {"label": labels[column], "code": code}))
                return table.get(code)

            sale_date = parse("sale_date", _parse_date)
            employee_id = lookup("employee_no", employees)
            customer_id = lookup("customer_code", customers)
            product = lookup("product_code", products)
            quantity = parse("quantity", _parse_quantity)
            unit_price = parse("unit_price", _parse_unit_price) if _text(cell("unit_price")) else None
            if unit_price is None and product is not None and not _text(cell("unit_price")):
                unit_price = product[1]
            amount = quantity * unit_price if quantity is not None and unit_price is not None else None
            if amount is not None and amount > MAX_AMOUNT:
                row_errors.append(RowError(number, "amount", _("수량 × 단가 %(amount)s이(가) 너무 큽니다(최대 %(max)s).")
                                           % {"amount": f"{amount:,}", "max": f"{MAX_AMOUNT:,}"}))
                amount = None
            if _text(cell("amount")) and amount is not None:
                given = parse("amount", _parse_money)
                if given is not None and given != amount:
                    row_errors.append(RowError(number, "amount", _("금액 %(given)s이(가) 수량 × 단가 %(amount)s와 "
                                                                   "다릅니다.") % {"given": given, "amount": amount}))

            if row_errors:
                error_count += len(row_errors)
                errors.extend(row_errors[: max(0, MAX_REPORTED_ERRORS - len(errors))])
                batch = []
            elif error_count == 0:
                batch.append((employee_id, customer_id, product[0], sale_date, quantity, unit_price, amount))
                if len(batch) >= batch_size:
                    _copy_rows(batch)
                    batch = []
            if progress:
                progress(1)
        if error_count:
            raise ImportRejected(errors=errors, error_count=error_count, rows_read=read)
        if batch:
            _copy_rows(batch)
    return ImportResult(rows=read, created=read)


# --- Reference data through the admin's resources ------------------------------------------------

def import_reference_data(path: Path | str, *, kind: str, encoding: str = "utf-8-sig") -> ImportResult:
    """Customers, products or employees (small files): the same rules and columns as the admin's import."""
    import tablib

    resource = {
        "customers": resources.CustomerResource,
        "products": resources.ProductResource,
        "employees": resources.EmployeeResource,
    }[kind]()
    path = Path(path)
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        else:
            dataset = tablib.Dataset().load(path.read_text(encoding=encoding), format="csv")
    except (FileNotFoundError, IsADirectoryError):
        raise
    except UnicodeDecodeError as exc:
        raise ValueError(unreadable_csv(path, encoding, exc)) from None
    except Exception as exc:  # zipfile/XML errors of a damaged workbook, csv errors
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            raise ValueError(unreadable_workbook(path, exc)) from None
        raise ValueError(unreadable_csv(path, encoding, exc)) from None
    errors: list[RowError] = []
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=False)
        for invalid in result.invalid_rows:
            for column, messages in invalid.error_dict.items():
                for message in messages:
                    errors.append(RowError(invalid.number + 1, column, str(message)))
        for number, row_errors in result.row_errors():
            for error in row_errors:
                errors.append(RowError(number + 1, "", str(error.error)))
        for error in result.base_errors:
            errors.append(RowError(1, "", str(error.error)))
        if errors:
            raise ImportRejected(errors=errors[:MAX_REPORTED_ERRORS], error_count=len(errors),
                                 rows_read=len(dataset))
    totals = result.totals
    return ImportResult(rows=len(dataset), created=totals.get("new", 0), updated=totals.get("update", 0))

