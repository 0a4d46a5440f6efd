#!/usr/bin/env python
"""Django's command-line utility. Database problems end the command with one line, not a traceback."""

import os
import sys

# Commands that need the database from their first second: fail fast when it cannot be reached.
FAIL_FAST_COMMANDS = {"runserver", "migrate", "seed_demo", "db_worker"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from config.db import DatabaseConfigError, DatabaseUnavailable, ensure_database_reachable

    try:
        if len(sys.argv) > 1 and sys.argv[1] in FAIL_FAST_COMMANDS:
            ensure_database_reachable()
        execute_from_command_line(sys.argv)
    except (DatabaseConfigError, DatabaseUnavailable, ImproperlyConfigured) as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
