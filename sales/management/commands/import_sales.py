from django.core.management.base import BaseCommand, CommandError
from django.db import DataError

from sales.services import performance_refresh
from sales import importers
from core.traces import record_trace

KINDS = ["sales", "customers", "products", "employees"]


class Command(BaseCommand):
    help = ("Import a CSV or XLSX file: sales records (default) or customers, products, employees. "
            "All or nothing: any bad row is reported with its row number, column and reason, and nothing is "
            "written. Refreshes the monthly performance view afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=KINDS, default="sales")
        parser.add_argument("--encoding", default="utf-8-sig", help="CSV encoding (ERP exports are often cp949).")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-refresh", action="store_true", help="Do not refresh the monthly view.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, kind, encoding, batch_size, no_refresh, no_progress, **options):
        from tqdm import tqdm

        try:
            if kind == "sales":
                bar = tqdm(unit=" rows", disable=no_progress, file=self.stderr._out, mininterval=0.5)
                try:
                    result = importers.import_sales_records(
                        file, encoding=encoding, batch_size=batch_size, progress=bar.update,
                        on_total=lambda total: setattr(bar, "total", total),
                    )
                finally:
                    bar.close()
            else:
                result = importers.import_reference_data(file, kind=kind, encoding=encoding)
        except importers.ImportRejected as rejected:
            record_trace(step="sales_import", outcome="error", error=str(rejected),
                         detail={"file": str(file), "kind": kind, "errors": [str(e) for e in rejected.errors[:20]]})
            for error in rejected.errors:
                self.stderr.write(str(error))
            if rejected.error_count > len(rejected.errors):
                self.stderr.write(f"… {rejected.error_count - len(rejected.errors)} more")
            raise CommandError(str(rejected)) from None
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except DataError as exc:  # a value the row checks let through and PostgreSQL refused: still one line
            raise CommandError(f"데이터베이스가 값을 거부했습니다(아무것도 저장하지 않음): {str(exc).splitlines()[0]}") from None

        self.stdout.write(self.style.SUCCESS(
            f"{kind}: {result.rows}행 가져옴 (새로 {result.created}건, 갱신 {result.updated}건)"))
        if not no_refresh:
            seconds = performance_refresh()
            self.stdout.write(f"월별 실적(customer_monthly_performance_mv)을 새로 고쳤습니다 ({seconds:.2f}초)")
