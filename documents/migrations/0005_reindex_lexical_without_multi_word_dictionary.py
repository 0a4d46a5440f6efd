from django.db import migrations

# The Korean analyser (core/text.py) no longer loads Kiwi's multi-word dictionary, which read some disease names
# differently ("중증 근무력증" → 근무력증, today 근 / 무력증). Existing passages are rewritten by the worker
# (documents.tasks.reindex_lexical_vectors, a batch of documents per job; embeddings stay), so migrate stays fast
# on a large corpus; `manage.py reindex_lexical` does the same at once. Until the worker has passed, such a word
# may match by the dense leg only.


def queue_reindex(apps, schema_editor):
    DocumentChunk = apps.get_model("documents", "DocumentChunk")
    if not DocumentChunk.objects.using(schema_editor.connection.alias).exists():
        return  # a new database: nothing was indexed with the old analyser
    from documents.tasks import reindex_lexical_vectors

    reindex_lexical_vectors.enqueue()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_review_workflow"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(queue_reindex, migrations.RunPython.noop)]
