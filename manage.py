#!/usr/bin/env python
"""Django's command-line utility. Database problems end the command with one line, not a traceback."""

import os
import sys

# Long-lived servers share a connection pool between threads; every other command uses one plain connection.
POOLED_COMMANDS = {"runserver"}
# Commands that never touch the database get no reachability check before them.
# The task worker waits for the database instead (core/worker.py).
NO_PRECHECK_COMMANDS = {"help", "--help", "-h", "version", "--version", "collectstatic", "makemigrations",
                        "makemessages", "compilemessages", "startapp", "diffsettings", "db_worker"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    os.environ.setdefault("DB_POOL", "true" if command in POOLED_COMMANDS else "false")
    os.environ.setdefault("DB_APPLICATION_NAME", f"pharma {command}")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import InterfaceError, OperationalError

    from config.db import DatabaseConfigError, DatabaseUnavailable, describe_database_error, ensure_database_reachable

    try:
        if command not in NO_PRECHECK_COMMANDS:
            ensure_database_reachable()
        execute_from_command_line(sys.argv)
    except (DatabaseConfigError, DatabaseUnavailable, ImproperlyConfigured) as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)
    except (OperationalError, InterfaceError) as exc:  # the server went away or refused us mid-command
        sys.stderr.write(f"error: {describe_database_error(exc)}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
