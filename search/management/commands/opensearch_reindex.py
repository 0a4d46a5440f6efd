from django.core.management.base import BaseCommand, CommandError

from documents.models import DocumentChunk, ProcessingStatus
from search.backends import opensearch


class Command(BaseCommand):
    help = "Create the OpenSearch chunk index (--recreate drops it first) and bulk-load the chunks of every processed document."

    def add_arguments(self, parser):
        parser.add_argument("--recreate", action="store_true", help="drop and recreate the index")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, recreate, batch_size, **options):
        from tqdm import tqdm

        try:
            os_client = opensearch.client()
            created = opensearch.ensure_index(recreate=recreate, os_client=os_client)
            # Like sync_document: only processed documents (search reaches no other).
            chunks = (DocumentChunk.objects.filter(document__status=ProcessingStatus.READY)
                      .select_related("document__department")
                      .prefetch_related("document__customers", "document__products").order_by("id"))
            total = chunks.count()
            indexed, last_id = 0, 0
            with tqdm(total=total, unit="chunk", file=self.stderr, disable=total == 0) as progress:
                while True:
                    batch = list(chunks.filter(id__gt=last_id)[:batch_size])
                    if not batch:
                        break
                    indexed += opensearch.bulk_index(batch, os_client=os_client)
                    last_id = batch[-1].id
                    progress.update(len(batch))
        except opensearch.Unavailable as exc:
            raise CommandError(f"OpenSearch에 연결할 수 없습니다: {exc}") from exc
        self.stdout.write(f"색인 {opensearch.index_name()} {'새로 만듦' if created else '유지'}; 조각 {indexed}개 색인")
