"""Migration operations that create PostgreSQL extensions with an install hint when one is missing."""

from django.contrib.postgres.operations import CreateExtension
from django.core.management.base import CommandError

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


def extension_available(schema_editor, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
        return cursor.fetchone() is not None


class RequiredExtension(CreateExtension):
    """CREATE EXTENSION IF NOT EXISTS, stopping migrate with a one-line hint when it is not installed."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql" and not extension_available(schema_editor, self.name):
            raise CommandError(INSTALL_HINTS.get(self.name, f"PostgreSQL extension '{self.name}' is not installed."))
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Creates extension {self.name} (with an install hint when missing)"
