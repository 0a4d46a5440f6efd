from django.core.management.base import BaseCommand

from sales.services import performance_refresh


class Command(BaseCommand):
    help = "Refresh the customer monthly performance materialized view (concurrently: readers are not blocked)."

    def add_arguments(self, parser):
        parser.add_argument("--blocking", action="store_true",
                            help="Plain REFRESH (locks readers out; a little faster on a first fill).")

    def handle(self, *args, blocking=False, **options):
        seconds = performance_refresh(concurrently=not blocking)
        self.stdout.write(self.style.SUCCESS(f"customer_monthly_performance_mv refreshed in {seconds:.2f}s"))
