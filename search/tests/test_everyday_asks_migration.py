"""search/0010 adds the everyday-asks lexicon without undoing an admin's edits, and takes back only what it added."""

import pytest

from search.tests.test_lay_terms_migration import migrate

BEFORE = [("search", "0009_merge_lay_terms_and_lexical_passages")]
AFTER = [("search", "0010_answer_lexicon_everyday_asks")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_everyday_asks_keep_admin_edits_and_go_back_cleanly():
    old = migrate(BEFORE)
    attributes = old.get_model("search", "AnswerAttribute").objects
    pregnancy = attributes.get(name="임부")
    pregnancy.question_terms = [*pregnancy.question_terms, "임신 계획"]  # an admin's own term
    pregnancy.save()
    assert not attributes.filter(name="과량 복용").exists()

    new = migrate(AFTER).get_model("search", "AnswerAttribute").objects
    pregnancy = new.get(name="임부")
    assert "임신 계획" in pregnancy.question_terms and "애가 생" in pregnancy.question_terms
    assert "과량" in new.get(name="과량 복용").evidence_terms
    assert "넘기지" in new.get(name="최대 용량").evidence_terms

    back = migrate(BEFORE).get_model("search", "AnswerAttribute").objects
    assert not back.filter(name="과량 복용").exists()
    pregnancy = back.get(name="임부")
    assert "임신 계획" in pregnancy.question_terms and "애가 생" not in pregnancy.question_terms
    assert "넘기지" not in back.get(name="최대 용량").evidence_terms and back.filter(name="최대 용량").exists()
    migrate()
