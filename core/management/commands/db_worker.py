"""`manage.py db_worker`: django-tasks-db's worker command, running core.worker.ResilientWorker.

Same options, plus --no-scheduler; the worker id defaults to a stable per-host name (WORKER_ID overrides),
so give each worker on one host its own --worker-id. Listed before django_tasks_db in INSTALLED_APPS.
"""

import os

from django.core.management.base import CommandError
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import ResilientWorker, default_worker_id, wait_until_database_answers


class Command(db_worker.Command):
    help = "Run the task worker: survives database outages, recovers its own interrupted jobs, runs the schedule."
    # The checks read the database: they run once it answers (a worker started during an outage waits).
    requires_system_checks = []

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id())
        parser.add_argument("--no-scheduler", action="store_false", dest="scheduler",
                            help="Do not run scheduled jobs from this worker (another one does).")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, scheduler, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=excluded,
            scheduler=scheduler,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # the child; the parent only restarts it on code changes
            run_with_reloader(self.run, worker)  # runs self.run in a thread of the child
        else:
            worker.configure_signals()
            self.run(worker)

    def run(self, worker):
        wait_until_database_answers()
        self.check()
        connections.close_all()  # the worker opens its own when it starts
        worker.run()
