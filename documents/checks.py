"""System check: the embedding provider's dimension must match the vector column's.

A mismatch would fail on the first insert (or, worse, after a model swap, compare vectors of different
models); Django refuses to start instead, and names the two ways out.
"""

import re

from django.conf import settings
from django.core import checks

from documents.embeddings import get_provider

COLUMN_TYPE_SQL = """
    SELECT format_type(a.atttypid, a.atttypmod)
    FROM pg_attribute a
    WHERE a.attrelid = to_regclass('documents_documentchunk') AND a.attname = 'embedding' AND NOT a.attisdropped
"""


def column_dimensions() -> tuple[int, str]:
    """(dimensions, where it was read): the real column type when the database answers, else the setting."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(COLUMN_TYPE_SQL)
            row = cursor.fetchone()
    except Exception:
        row = None
    if row and row[0]:
        match = re.fullmatch(r"vector\((\d+)\)", row[0])
        if match:
            return int(match.group(1)), "database"
    return settings.EMBEDDING_DIMENSIONS, "EMBEDDING_DIMENSIONS"


@checks.register("documents")
def check_embedding_dimensions(app_configs=None, databases=None, **kwargs):
    try:
        provider = get_provider()
        provider_dimensions = provider.dimensions
    except Exception as exc:
        return [checks.Error(f"embedding provider {settings.EMBEDDING_PROVIDER!r} cannot start: {exc}",
                             hint="Check EMBEDDING_PROVIDER, EMBEDDING_MODEL and EMBEDDING_BASE_URL.",
                             id="documents.E002")]
    errors = []
    if provider_dimensions != settings.EMBEDDING_DIMENSIONS:
        errors.append(checks.Error(
            f"EMBEDDING_PROVIDER={provider.name} produces {provider_dimensions}-dimensional vectors but "
            f"EMBEDDING_DIMENSIONS={settings.EMBEDDING_DIMENSIONS}.",
            hint=f"Set EMBEDDING_DIMENSIONS={provider_dimensions}, then run `python manage.py reembed`.",
            id="documents.E001"))
        return errors
    dimensions, source = column_dimensions()
    if source == "database" and dimensions != provider_dimensions:
        errors.append(checks.Error(
            f"documents_documentchunk.embedding is vector({dimensions}) but EMBEDDING_PROVIDER={provider.name} "
            f"produces {provider_dimensions} dimensions.",
            hint="Run `python manage.py reembed` to resize the column and embed every passage again, "
                 "or go back to the previous provider.",
            id="documents.E001"))
    return errors
