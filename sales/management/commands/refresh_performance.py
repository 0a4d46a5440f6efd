from django.core.management.base import BaseCommand

from sales.services import performance_refresh


class Command(BaseCommand):
    help = "Refresh the customer monthly performance materialized view (concurrently: readers are not blocked)."

    def add_arguments(self, parser):
        parser.add_argument("--blocking", action="store_true",
                            help="Plain REFRESH (locks readers out; a little faster on a first fill).")

    def handle(self, *args, blocking=False, **options):
        seconds = performance_refresh(concurrently=not blocking)
        self.stdout.write(self.style.SUCCESS(f"월별 실적(customer_monthly_performance_mv)을 새로 고쳤습니다 ({seconds:.2f}초)"))
