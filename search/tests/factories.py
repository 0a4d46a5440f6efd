import factory

from accounts.tests.factories import UserFactory
from search.models import DrugSynonym, DrugSynonymGroup, SearchQuery, SearchResponse, UserFeedback


class SearchQueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchQuery

    user = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"리피토 용량 {n}")


class SearchResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchResponse

    query = factory.SubFactory(SearchQueryFactory)
    answer = "답변 [1]"
    result_count = 1
    response_time_ms = 20


class UserFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserFeedback

    query = factory.SubFactory(SearchQueryFactory)
    user = factory.SelfAttribute("query.user")
    rating = 4


def make_synonyms(*terms: str) -> DrugSynonymGroup:
    group = DrugSynonymGroup.objects.create(name=terms[0])
    for term in terms:
        DrugSynonym.objects.create(group=group, term=term)
    return group
