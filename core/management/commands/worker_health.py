"""Exit 0 when this host's task worker said it was alive recently (compose healthcheck of the worker)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.worker import default_worker_id


class Command(BaseCommand):
    help = "Healthcheck: fails unless the worker (--worker-id, default this host's) beat within 3 heartbeats."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default=default_worker_id())

    def handle(self, *args, worker_id, **options):
        since = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
        beat = WorkerHeartbeat.objects.filter(worker_id=worker_id).first()
        if beat is None or beat.last_seen_at < since:
            raise CommandError(f"worker {worker_id} has not reported since "
                               f"{beat.last_seen_at.isoformat() if beat else 'it started'}")
        self.stdout.write(f"worker {worker_id} alive (last heartbeat {beat.last_seen_at.isoformat()})")
