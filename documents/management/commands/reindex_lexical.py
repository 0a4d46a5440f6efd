from django.core.management.base import BaseCommand

from documents.indexing import reindex_lexical_batch


class Command(BaseCommand):
    help = ("Rewrite the lexical (keyword) vectors of every document's passages now, with the current Korean "
            "analyser; embeddings are kept. The migration that changes the analyser queues the same work for the "
            "worker; this command is for doing it at once.")

    def handle(self, **options):
        total, after = 0, ""
        while True:
            count, after = reindex_lexical_batch(after=after)
            total += count
            if not after:
                break
        self.stdout.write(f"문서 {total}건의 낱말 색인을 다시 만들었습니다")
