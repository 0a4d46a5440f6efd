from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import RetentionAudit
from search.models import SearchQuery, SearchResponse, UserFeedback
from search.tests.factories import SearchQueryFactory, SearchResponseFactory, UserFeedbackFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_rating_outside_1_to_5():
    query = SearchQueryFactory()
    with pytest.raises(IntegrityError):
        UserFeedback.objects.create(query=query, user=query.user, rating=6)


def test_database_refuses_second_feedback_of_same_user_on_same_query():
    feedback = UserFeedbackFactory()
    with pytest.raises(IntegrityError):
        UserFeedback.objects.create(query=feedback.query, user=feedback.user, rating=1)


def test_deleting_a_user_removes_their_queries_responses_and_feedback():
    user = UserFactory()
    query = SearchResponseFactory(query=SearchQueryFactory(user=user)).query
    UserFeedbackFactory(query=query, user=user)

    user.delete()

    assert (SearchQuery.objects.count(), SearchResponse.objects.count(), UserFeedback.objects.count()) == (0, 0, 0)


def test_deleting_a_query_removes_its_response_and_feedback():
    query = SearchResponseFactory().query
    UserFeedbackFactory(query=query)

    query.delete()

    assert (SearchResponse.objects.count(), UserFeedback.objects.count()) == (0, 0)


def _aged(days, **kwargs):
    query = SearchResponseFactory(query=SearchQueryFactory(**kwargs)).query
    SearchQuery.objects.filter(pk=query.pk).update(created_at=timezone.now() - timedelta(days=days))
    return query


def test_purge_deletes_only_history_older_than_retention_in_batches_and_records_an_audit(capsys):
    old = [_aged(120) for _ in range(5)]
    UserFeedbackFactory(query=old[0], user=old[0].user)
    recent = _aged(10)

    call_command("purge_search_history", "--batch-size", "2")

    assert list(SearchQuery.objects.all()) == [recent]
    audit = RetentionAudit.objects.get()
    assert audit.kind == "search_history" and not audit.dry_run and audit.retention_days == 90
    assert audit.deleted_counts == {"search.SearchQuery": 5, "search.SearchResponse": 5, "search.UserFeedback": 1}
    assert audit.oldest is not None and audit.newest < timezone.now() - timedelta(days=90)
    assert "삭제함" in capsys.readouterr().out


def test_purge_dry_run_deletes_nothing_but_reports_counts():
    _aged(40)
    _aged(5)

    call_command("purge_search_history", "--days", "30", "--dry-run")

    assert SearchQuery.objects.count() == 2
    audit = RetentionAudit.objects.get()
    assert audit.dry_run and audit.deleted_counts["search.SearchQuery"] == 1 and audit.retention_days == 30


def test_demo_seed_fills_synonyms_idempotently_and_expands_brand_to_ingredient():
    import io

    from search.demo import seed
    from search.models import DrugSynonym, DrugSynonymGroup
    from search.synonyms import expansions

    seed(stdout=io.StringIO())
    seed(stdout=io.StringIO())

    assert DrugSynonymGroup.objects.count() >= 20
    assert DrugSynonym.objects.filter(term__iexact="atorvastatin").count() == 1
    assert {"Lipitor", "atorvastatin", "아토르바스타틴"} <= set(expansions("리피토 용량"))
