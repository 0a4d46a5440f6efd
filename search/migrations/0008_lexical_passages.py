"""The lexical leg's own narrow table (issue 14, session 8): one row per passage with a tsvector, holding the
tsvector and the columns of its document that the access rule and `searchable()` read, so the leg neither reads
the wide chunk rows (text + embedding) nor joins documents to drop what the user may not see.

Statement triggers with transition tables keep it exact, like the lexicon triggers of 0002/0003: on the chunk
table (insert; an update that changes the tsvector or the document; delete; truncate) and on the document table
(a change of level, department, approval, status, expiry or uploader is copied to its passages; a deleted
document takes its passages out at once, even before its chunks go), under the lexicon triggers' advisory lock.
Rows already indexed are copied over.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


COLUMNS = ("id, document_id, access_level, department_id, approval_state, status, valid_until, uploaded_by_id, "
           "search_vector")
# The passages of the chunk rows `{}` (a transition table, a query over them or the chunk table), with their
# document's columns.
ROWS_OF = ("SELECT c.id, c.document_id, d.access_level, d.department_id, d.approval_state, d.status, d.valid_until, "
           "d.uploaded_by_id, c.search_vector FROM {} c JOIN documents_document d ON d.id = c.document_id "
           "WHERE c.search_vector IS NOT NULL")

SIDE_TABLE_SQL = f"""
-- Both functions take the lexicon triggers' advisory lock (0002/0003) before reading the other table: without it a
-- document's level could change while another transaction inserts its passages, each statement missing the
-- other's uncommitted rows, and the passages would keep the old level. With it the second waits for the first to
-- commit, and its next statement (a new snapshot) sees what the first wrote.
CREATE FUNCTION search_lexical_passage_on_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_lexical_passage ({COLUMNS}) {ROWS_OF.format('new_rows')};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM search_lexical_passage p USING old_rows o WHERE p.id = o.id;
    ELSE
        -- Most chunk updates (embeddings, token counts) leave the tsvector and the document alone.
        DELETE FROM search_lexical_passage p USING old_rows o JOIN new_rows n USING (id)
        WHERE p.id = o.id AND (o.search_vector IS DISTINCT FROM n.search_vector OR o.document_id <> n.document_id);
        INSERT INTO search_lexical_passage ({COLUMNS}) {ROWS_OF.format(
            '(SELECT n.* FROM old_rows o JOIN new_rows n USING (id) WHERE o.search_vector IS DISTINCT FROM '
            'n.search_vector OR o.document_id <> n.document_id)')};
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexical_passage_on_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Most document updates (pipeline stages, titles) change none of these: no lock, no work.
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE
                (o.access_level, o.department_id, o.approval_state, o.status, o.valid_until, o.uploaded_by_id)
                IS DISTINCT FROM
                (n.access_level, n.department_id, n.approval_state, n.status, n.valid_until, n.uploaded_by_id))
        THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
        UPDATE search_lexical_passage p
        SET access_level = n.access_level, department_id = n.department_id, approval_state = n.approval_state,
            status = n.status, valid_until = n.valid_until, uploaded_by_id = n.uploaded_by_id
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE p.document_id = n.id
          AND (o.access_level, o.department_id, o.approval_state, o.status, o.valid_until, o.uploaded_by_id)
              IS DISTINCT FROM
              (n.access_level, n.department_id, n.approval_state, n.status, n.valid_until, n.uploaded_by_id);
    ELSE
        PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
        DELETE FROM search_lexical_passage p USING old_rows o WHERE p.document_id = o.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexical_passage_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_lexical_passage;
    RETURN NULL;
END $$;

CREATE TRIGGER search_lexical_passage_insert AFTER INSERT ON documents_documentchunk
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_chunks();
CREATE TRIGGER search_lexical_passage_update AFTER UPDATE ON documents_documentchunk
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_chunks();
CREATE TRIGGER search_lexical_passage_delete AFTER DELETE ON documents_documentchunk
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_chunks();
CREATE TRIGGER search_lexical_passage_truncate AFTER TRUNCATE ON documents_documentchunk
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_truncate();
CREATE TRIGGER search_lexical_passage_document_update AFTER UPDATE ON documents_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_documents();
CREATE TRIGGER search_lexical_passage_document_delete AFTER DELETE ON documents_document
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_documents();
CREATE TRIGGER search_lexical_passage_document_truncate AFTER TRUNCATE ON documents_document
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexical_passage_on_truncate();

-- What is already indexed.
INSERT INTO search_lexical_passage ({COLUMNS}) {ROWS_OF.format('documents_documentchunk')};
"""

SIDE_TABLE_REVERSE_SQL = """
DROP TRIGGER IF EXISTS search_lexical_passage_insert ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexical_passage_update ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexical_passage_delete ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexical_passage_truncate ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexical_passage_document_update ON documents_document;
DROP TRIGGER IF EXISTS search_lexical_passage_document_delete ON documents_document;
DROP TRIGGER IF EXISTS search_lexical_passage_document_truncate ON documents_document;
DROP FUNCTION IF EXISTS search_lexical_passage_on_chunks();
DROP FUNCTION IF EXISTS search_lexical_passage_on_documents();
DROP FUNCTION IF EXISTS search_lexical_passage_on_truncate();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0004_review_workflow'),
        ('search', '0007_answer_lexicon_code_pattern'),
    ]

    operations = [
        migrations.CreateModel(
            name='LexicalPassage',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='조각 ID')),
                ('access_level', models.PositiveSmallIntegerField(verbose_name='접근 등급')),
                ('department_id', models.BigIntegerField(null=True, verbose_name='부서 ID')),
                ('approval_state', models.CharField(max_length=10, verbose_name='승인 상태')),
                ('status', models.CharField(max_length=12, verbose_name='처리 상태')),
                ('valid_until', models.DateTimeField(null=True, verbose_name='유효 기한')),
                ('uploaded_by_id', models.UUIDField(null=True, verbose_name='업로드한 사용자 ID')),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(verbose_name='검색 벡터')),
                ('document', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name='+', to='documents.document', verbose_name='문서')),
            ],
            options={
                'verbose_name': '어휘 검색 조각',
                'verbose_name_plural': '어휘 검색 조각',
                'db_table': 'search_lexical_passage',
            },
        ),
        migrations.RunSQL(SIDE_TABLE_SQL, SIDE_TABLE_REVERSE_SQL),
        # Indexes after the copy: built once rather than maintained row by row through it.
        migrations.AddIndex(
            model_name='lexicalpassage',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='idx_lexical_passage_vector'),
        ),
        migrations.AddIndex(
            model_name='lexicalpassage',
            index=django.contrib.postgres.indexes.GinIndex(condition=models.Q(('access_level__lte', 1)),
                                                           fields=['search_vector'], name='idx_lexical_passage_l1'),
        ),
        migrations.AddIndex(
            model_name='lexicalpassage',
            index=django.contrib.postgres.indexes.GinIndex(condition=models.Q(('access_level__lte', 2)),
                                                           fields=['search_vector'], name='idx_lexical_passage_l2'),
        ),
        migrations.AddIndex(
            model_name='lexicalpassage',
            index=models.Index(fields=['uploaded_by_id'], name='idx_lexical_passage_uploader'),
        ),
        migrations.RunSQL("ANALYZE search_lexical_passage", migrations.RunSQL.noop),
    ]
