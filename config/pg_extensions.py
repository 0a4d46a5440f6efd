"""Migration operations that create PostgreSQL extensions with an install hint when one is missing."""

from django.contrib.postgres.operations import CreateExtension
from django.core.management.base import CommandError
from django.db import ProgrammingError

INSUFFICIENT_PRIVILEGE = "42501"

INSTALL_HINTS = {
    "vector": (
        "PostgreSQL has no pgvector extension ('type \"vector\" does not exist'). Install it, then run migrate again: "
        "Debian/Ubuntu: sudo apt install postgresql-<major>-pgvector; macOS: brew install pgvector; "
        "Docker: use the image pgvector/pgvector:pg18; or unset DATABASE_URL to use the embedded server, "
        "which ships pgvector."
    ),
    "btree_gist": (
        "PostgreSQL has no btree_gist extension. Install the contrib package "
        "(Debian/Ubuntu: sudo apt install postgresql-contrib), then run migrate again."
    ),
}


def not_permitted_hint(name: str, settings_dict: dict) -> str:
    user, database = settings_dict.get("USER") or "(current user)", settings_dict.get("NAME")
    return (
        f"PostgreSQL refused CREATE EXTENSION {name}: user '{user}' may not create it (only a superuser may). "
        f"Ask a superuser to run once, in database '{database}': CREATE EXTENSION IF NOT EXISTS {name}; "
        f"(psql -U postgres -d {database} -c 'CREATE EXTENSION IF NOT EXISTS {name};'), then run migrate again."
    )


def extension_available(schema_editor, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
        return cursor.fetchone() is not None


class RequiredExtension(CreateExtension):
    """CREATE EXTENSION IF NOT EXISTS, stopping migrate with a one-line hint when it is not installed."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql" and not extension_available(schema_editor, self.name):
            raise CommandError(INSTALL_HINTS.get(self.name, f"PostgreSQL extension '{self.name}' is not installed."))
        try:
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        except ProgrammingError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            raise CommandError(not_permitted_hint(self.name, schema_editor.connection.settings_dict)) from None

    def describe(self):
        return f"Creates extension {self.name} (with an install hint when missing)"
