"""BM25 statistics per visibility class of documents (issue 10: scores must not reveal hidden documents).

search_lexicon_partition / search_lexicon_partition_term hold, for each access level x department x approval
state x processing status x expiry day, the passage count, lexeme total and per-word passage counts. Statement
triggers on the chunk table (chunks indexed, re-indexed, deleted) and on the document table (a document's access
level, department, approval, status or expiry changed; a document deleted before its chunks) keep them exact,
like the whole-collection tables of 0002, under the same advisory lock.
"""

from django.db import migrations, models
import django.db.models.deletion


PARTITION_SQL = r"""
CREATE FUNCTION search_lexicon_partition_key(access_level integer, department_id bigint, approval_state text,
                                             status text, valid_until timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('/', access_level, coalesce(department_id::text, '-'), approval_state, status,
                     coalesce(to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '-'))
$$;

-- The statements that add (delta 1) or remove (delta -1) passages from their partitions. `source` is a query
-- over the trigger's transition tables with the columns access_level, department_id, approval_state, status,
-- valid_until, vector. Transition tables are visible only in the trigger's own function, which executes these.
CREATE FUNCTION search_lexicon_partition_statements(source text, delta integer) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[format($sql$
        INSERT INTO search_lexicon_partition AS p
            (key, access_level, department_id, approval_state, status, expires_on, passages, lexemes)
        SELECT DISTINCT search_lexicon_partition_key(s.access_level, s.department_id, s.approval_state, s.status,
                                                     s.valid_until),
               s.access_level, s.department_id, s.approval_state, s.status,
               (s.valid_until AT TIME ZONE 'UTC')::date, 0, 0
        FROM (%1$s) AS s WHERE s.vector IS NOT NULL
        ON CONFLICT (key) DO NOTHING
    $sql$, source), format($sql$
        WITH v AS (
            SELECT p.id AS partition_id, s.vector FROM (%1$s) AS s
            JOIN search_lexicon_partition p ON p.key = search_lexicon_partition_key(
                s.access_level, s.department_id, s.approval_state, s.status, s.valid_until)
            WHERE s.vector IS NOT NULL),
        terms AS (
            INSERT INTO search_lexicon_partition_term AS t (term, partition_id, passages)
            SELECT u.lexeme, v.partition_id, %2$s * count(*) FROM v, unnest(v.vector) AS u
            GROUP BY u.lexeme, v.partition_id ORDER BY u.lexeme, v.partition_id
            ON CONFLICT (term, partition_id) DO UPDATE SET passages = t.passages + EXCLUDED.passages)
        UPDATE search_lexicon_partition AS p
        SET passages = p.passages + d.passages, lexemes = p.lexemes + d.lexemes
        FROM (SELECT partition_id, %2$s * count(*) AS passages, %2$s * coalesce(sum(length(vector)), 0) AS lexemes
              FROM v GROUP BY partition_id) AS d
        WHERE p.id = d.partition_id
    $sql$, source, delta)]
$$;

CREATE FUNCTION search_lexicon_partition_on_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement text;
    -- A chunk whose document is already gone was taken out when the document was deleted (see below).
    with_document text := 'SELECT d.access_level, d.department_id, d.approval_state, d.status, d.valid_until, '
                          'c.search_vector AS vector FROM %s c JOIN documents_document d ON d.id = c.document_id';
    changed text := '(SELECT %1$s.* FROM old_rows o JOIN new_rows n USING (id) '
                    'WHERE o.search_vector IS DISTINCT FROM n.search_vector OR o.document_id <> n.document_id)';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
    IF TG_OP = 'INSERT' THEN
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(with_document, 'new_rows'), 1) LOOP EXECUTE statement; END LOOP;
    ELSIF TG_OP = 'DELETE' THEN
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(with_document, 'old_rows'), -1) LOOP EXECUTE statement; END LOOP;
    ELSE
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(with_document, format(changed, 'o')), -1) LOOP EXECUTE statement; END LOOP;
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(with_document, format(changed, 'n')), 1) LOOP EXECUTE statement; END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexicon_partition_on_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement text;
    chunks_of text := 'SELECT m.access_level, m.department_id, m.approval_state, m.status, m.valid_until, '
                      'c.search_vector AS vector FROM %s m JOIN documents_documentchunk c ON c.document_id = m.id';
    moved text := '(SELECT %1$s.* FROM old_rows o JOIN new_rows n USING (id) WHERE '
                  'search_lexicon_partition_key(o.access_level, o.department_id, o.approval_state, o.status, o.valid_until) '
                  '<> search_lexicon_partition_key(n.access_level, n.department_id, n.approval_state, n.status, n.valid_until))';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Most document updates (pipeline stages, titles) leave the partition alone: no lock, no work.
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE
                search_lexicon_partition_key(o.access_level, o.department_id, o.approval_state, o.status, o.valid_until)
                <> search_lexicon_partition_key(n.access_level, n.department_id, n.approval_state, n.status, n.valid_until))
        THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(chunks_of, format(moved, 'o')), -1) LOOP EXECUTE statement; END LOOP;
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(chunks_of, format(moved, 'n')), 1) LOOP EXECUTE statement; END LOOP;
    ELSE
        -- A document deleted while its chunks remain (their foreign key is checked at commit): take them out now.
        PERFORM pg_advisory_xact_lock(hashtext('search_lexicon'));
        FOREACH statement IN ARRAY search_lexicon_partition_statements(format(chunks_of, 'old_rows'), -1) LOOP EXECUTE statement; END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_lexicon_partition_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_lexicon_partition_term;
    DELETE FROM search_lexicon_partition;
    RETURN NULL;
END $$;

CREATE TRIGGER search_lexicon_partition_insert AFTER INSERT ON documents_documentchunk
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_chunks();
CREATE TRIGGER search_lexicon_partition_update AFTER UPDATE ON documents_documentchunk
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_chunks();
CREATE TRIGGER search_lexicon_partition_delete AFTER DELETE ON documents_documentchunk
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_chunks();
CREATE TRIGGER search_lexicon_partition_truncate AFTER TRUNCATE ON documents_documentchunk
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_truncate();
CREATE TRIGGER search_lexicon_partition_document_update AFTER UPDATE ON documents_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_documents();
CREATE TRIGGER search_lexicon_partition_document_delete AFTER DELETE ON documents_document
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexicon_partition_on_documents();

-- What is already indexed.
DO $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY search_lexicon_partition_statements(
        'SELECT d.access_level, d.department_id, d.approval_state, d.status, d.valid_until, c.search_vector AS vector '
        'FROM documents_documentchunk c JOIN documents_document d ON d.id = c.document_id', 1) LOOP
        EXECUTE statement;
    END LOOP;
END $$;
"""

PARTITION_REVERSE_SQL = """
DROP TRIGGER IF EXISTS search_lexicon_partition_insert ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexicon_partition_update ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexicon_partition_delete ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexicon_partition_truncate ON documents_documentchunk;
DROP TRIGGER IF EXISTS search_lexicon_partition_document_update ON documents_document;
DROP TRIGGER IF EXISTS search_lexicon_partition_document_delete ON documents_document;
DROP FUNCTION IF EXISTS search_lexicon_partition_on_chunks();
DROP FUNCTION IF EXISTS search_lexicon_partition_on_documents();
DROP FUNCTION IF EXISTS search_lexicon_partition_on_truncate();
DROP FUNCTION IF EXISTS search_lexicon_partition_statements(text, integer);
DROP FUNCTION IF EXISTS search_lexicon_partition_key(integer, bigint, text, text, timestamptz);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_lexicon_statistics'),
        ('documents', '0003_sales_relations'),
    ]

    operations = [
        migrations.CreateModel(
            name='LexiconPartition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.TextField(unique=True, verbose_name='구분 키')),
                ('access_level', models.PositiveSmallIntegerField(verbose_name='접근 등급')),
                ('department_id', models.BigIntegerField(null=True, verbose_name='부서 ID')),
                ('approval_state', models.CharField(max_length=10, verbose_name='승인 상태')),
                ('status', models.CharField(max_length=12, verbose_name='처리 상태')),
                ('expires_on', models.DateField(null=True, verbose_name='유효 기한(UTC 날짜)')),
                ('passages', models.BigIntegerField(default=0, verbose_name='조각 수')),
                ('lexemes', models.BigIntegerField(default=0, verbose_name='낱말 수 합계')),
            ],
            options={
                'verbose_name': '색인 통계 구분',
                'verbose_name_plural': '색인 통계 구분',
                'db_table': 'search_lexicon_partition',
            },
        ),
        migrations.CreateModel(
            name='LexiconPartitionTerm',
            fields=[
                ('pk', models.CompositePrimaryKey('term', 'partition', blank=True, editable=False, primary_key=True,
                                                  serialize=False)),
                ('term', models.TextField(verbose_name='낱말')),
                ('passages', models.BigIntegerField(verbose_name='포함 조각 수')),
                ('partition', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                                related_name='terms', to='search.lexiconpartition',
                                                verbose_name='구분')),
            ],
            options={
                'verbose_name': '구분별 낱말 통계',
                'verbose_name_plural': '구분별 낱말 통계',
                'db_table': 'search_lexicon_partition_term',
            },
        ),
        migrations.RunSQL(PARTITION_SQL, PARTITION_REVERSE_SQL),
    ]
