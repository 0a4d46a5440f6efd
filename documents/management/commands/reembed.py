from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from documents.checks import column_dimensions
from documents.embeddings import get_provider
from documents.models import DocumentChunk

INDEX = "idx_chunk_embedding_hnsw"
TABLE = "documents_documentchunk"


def _vector_literal(vector) -> str:
    # Written as text and cast: the model field still carries the old dimension until the next start.
    return "[" + ",".join(repr(float(value)) for value in vector) + "]"


class Command(BaseCommand):
    help = ("Embed every passage again with the configured provider. When EMBEDDING_DIMENSIONS changed, the "
            "column is resized first; the HNSW index is rebuilt at the end.")
    # Runs exactly when the dimension check fails, so it must not be stopped by that check.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, batch_size, **options):
        from tqdm import tqdm

        provider = get_provider()
        dimensions = provider.dimensions
        if dimensions != settings.EMBEDDING_DIMENSIONS:
            self.stderr.write(f"{provider.name} produces {dimensions} dimensions but EMBEDDING_DIMENSIONS="
                              f"{settings.EMBEDDING_DIMENSIONS}: set EMBEDDING_DIMENSIONS={dimensions} first.")
            raise SystemExit(2)
        current, _source = column_dimensions()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending deferred checks
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            if current != dimensions:
                self.stdout.write(f"{TABLE}.embedding 크기 변경: vector({current}) -> vector({dimensions})")
                cursor.execute(f"UPDATE {TABLE} SET embedding = NULL")
                cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN embedding TYPE vector({dimensions})")

        size = batch_size or settings.EMBEDDING_BATCH_SIZE
        total = DocumentChunk.objects.count()
        last_id = 0
        with tqdm(total=total, desc=f"reembed ({provider.name})", unit="passage",
                  disable=options["verbosity"] == 0) as bar:
            while True:
                rows = list(DocumentChunk.objects.filter(id__gt=last_id).order_by("id").values_list("id", "text")[:size])
                if not rows:
                    break
                vectors = provider.embed_passages([text for _id, text in rows])
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(
                        f"UPDATE {TABLE} SET embedding = %s::vector WHERE id = %s",
                        [(_vector_literal(vector), chunk_id) for (chunk_id, _t), vector in zip(rows, vectors,
                                                                                                strict=True)])
                last_id = rows[-1][0]
                bar.update(len(rows))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING hnsw (embedding vector_cosine_ops) "
                           "WITH (m = 16, ef_construction = 64)")
        self.stdout.write(f"조각 {total}개를 {provider.name}({dimensions}차원)으로 다시 임베딩했습니다; "
                          f"{INDEX} 다시 만듦")
