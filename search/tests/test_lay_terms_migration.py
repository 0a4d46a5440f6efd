"""search/0008 adds the lay-term lexicon without undoing an admin's edits, and takes back only what it added."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("search", "0007_answer_lexicon_code_pattern")]
AFTER = [("search", "0008_answer_lexicon_lay_terms")]


def migrate(targets=None):
    """To `targets`, or back to the latest state (every leaf) when None."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lay_terms_keep_admin_edits_and_go_back_cleanly():
    old = migrate(BEFORE)
    attributes = old.get_model("search", "AnswerAttribute").objects
    elderly = attributes.get(name="고령자")
    elderly.question_terms = [*elderly.question_terms, "노년층"]  # an admin's own term
    elderly.save()
    assert not attributes.filter(name="치과 시술").exists()

    new = migrate(AFTER).get_model("search", "AnswerAttribute").objects
    elderly = new.get(name="고령자")
    assert "노년층" in elderly.question_terms and "연세" in elderly.question_terms
    assert new.get(name="치과 시술").evidence_terms == ["발치", "치과", "시술"]
    assert "눈이 노래" in new.get(name="간기능").question_terms

    back = migrate(BEFORE).get_model("search", "AnswerAttribute").objects
    assert not back.filter(name="치과 시술").exists()
    elderly = back.get(name="고령자")
    assert "노년층" in elderly.question_terms and "연세" not in elderly.question_terms
    migrate()
