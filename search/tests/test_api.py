import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from documents.tests.factories import make_indexed_document
from search.models import SearchQuery, SearchResponse, UserFeedback
from search.tests.factories import SearchQueryFactory, SearchResponseFactory, UserFeedbackFactory

pytestmark = pytest.mark.django_db
URL = "/api/search/"


def test_search_returns_results_answer_with_citations_and_logs_query_and_response(client_for):
    make_indexed_document(["리피토는 LDL 콜레스테롤을 낮춥니다. 시작 용량은 1일 1회 10mg입니다."], title="리피토 정보")
    make_indexed_document(["메트포르민은 혈당을 낮춥니다."], title="당뇨")
    user = UserFactory()

    response = client_for(user).post(URL, {"query": "리피토 시작 용량", "top_k": 5, "session_id": "s1"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["document_title"] == "리피토 정보"
    assert body["results"][0]["n"] == 1
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])]
    assert cited and all(1 <= n <= len(body["results"]) for n in cited)
    assert "10mg" in body["answer"]
    log = SearchQuery.objects.get(pk=body["query_id"])
    assert (log.user, log.text, log.session_id, log.top_k) == (user, "리피토 시작 용량", "s1", 5)
    assert log.response.result_count == len(body["results"])
    assert log.response.response_time_ms == body["response_time_ms"]
    assert log.response.sources[0]["title"] == "리피토 정보"


def test_search_with_no_match_answers_with_empty_results_and_logs_zero(client_for):
    response = client_for(UserFactory()).post(URL, {"query": "존재하지않는단어XQZ"}, format="json")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert SearchResponse.objects.get().result_count == 0


def test_answer_never_cites_a_document_the_user_may_not_see(client_for):
    make_indexed_document(["리피토 공급가는 비공개입니다."], title="L3 단가", access_level=3)
    make_indexed_document(["리피토 일반 안내입니다."], title="공개 안내")

    body = client_for(UserFactory(access_level=1)).post(URL, {"query": "리피토 공급가"}, format="json").json()

    assert [r["document_title"] for r in body["results"]] == ["공개 안내"]
    assert "비공개" not in body["answer"]
    assert "비공개" not in str(SearchResponse.objects.get().sources)


@pytest.mark.parametrize("payload, fragment", [
    ({"query": ""}, "검색어를 입력"),
    ({"query": "   \n\t"}, "검색어를 입력"),
    ({"query": "가" * 2000}, "2,000자 미만"),
    ({"query": "리피토", "filters": {"colour": "red"}}, "알 수 없는 필터"),
    ({"query": "리피토", "top_k": 0}, "top_k"),
    ({"query": "리피토", "top_k": 51}, "top_k"),
    ({"query": "리피토", "top_k": "many"}, "top_k"),
    ({"query": "리피토", "filters": {"document_type": "EXE"}}, "문서 유형"),
])
def test_bad_search_requests_get_400_with_a_message(client_for, payload, fragment):
    response = client_for(UserFactory()).post(URL, payload, format="json")

    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not SearchQuery.objects.exists()


def test_non_staff_asking_for_drafts_gets_403(client_for):
    response = client_for(UserFactory()).post(URL, {"query": "리피토", "filters": {"include_drafts": True}}, format="json")

    assert response.status_code == 403
    assert "초안" in response.json()["detail"]


def test_search_requires_authentication(api_client):
    assert api_client.post(URL, {"query": "리피토"}, format="json").status_code in (401, 403)


def test_history_lists_only_the_callers_queries_with_their_rating(client_for, django_assert_max_num_queries):
    user = UserFactory()
    mine = SearchResponseFactory(query=SearchQueryFactory(user=user, text="내 검색")).query
    SearchResponseFactory(query=SearchQueryFactory(user=user, text="두번째"))
    UserFeedbackFactory(query=mine, user=user, rating=2)
    SearchQueryFactory(text="남의 검색")
    client = client_for(user)

    with django_assert_max_num_queries(4):
        response = client.get(URL + "history/")

    assert response.status_code == 200
    rows = {row["query"]: row for row in response.json()["results"]}
    assert set(rows) == {"내 검색", "두번째"}
    assert rows["내 검색"]["my_rating"] == 2 and rows["두번째"]["my_rating"] is None


def test_feedback_is_created_then_updated_on_repeat(client_for):
    user = UserFactory()
    query = SearchQueryFactory(user=user)
    client = client_for(user)
    url = reverse("search:feedback", args=[query.pk])

    first = client.post(url, {"rating": 2, "comment": "부족"}, format="json")
    second = client.post(url, {"rating": 5, "comment": "좋아요"}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    feedback = UserFeedback.objects.get()
    assert (feedback.rating, feedback.comment) == (5, "좋아요")


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_feedback_rating_outside_1_to_5_is_400(client_for, rating):
    user = UserFactory()
    query = SearchQueryFactory(user=user)

    response = client_for(user).post(reverse("search:feedback", args=[query.pk]), {"rating": rating}, format="json")

    assert response.status_code == 400
    assert "rating" in response.json()["detail"]


def test_feedback_on_another_users_query_is_404(client_for):
    query = SearchQueryFactory()

    response = client_for(UserFactory()).post(reverse("search:feedback", args=[query.pk]), {"rating": 4}, format="json")

    assert response.status_code == 404
    assert not UserFeedback.objects.exists()


def test_every_search_is_logged_before_it_answers_so_an_immediate_rating_finds_it(client_for):
    make_indexed_document(["리피토는 LDL 콜레스테롤을 낮춥니다."], title="리피토 정보")
    client = client_for(UserFactory())

    for query in ("리피토 효과", "콜레스테롤 낮추는 약", "LDL 수치"):
        body = client.post(URL, {"query": query}, format="json").json()
        rating = client.post(f"/api/search/queries/{body['query_id']}/feedback/", {"rating": 4}, format="json")
        assert rating.status_code == 201

    logs = SearchQuery.objects.select_related("response")
    assert sorted(log.text for log in logs) == ["LDL 수치", "리피토 효과", "콜레스테롤 낮추는 약"]
    assert all(log.created_at and log.response.created_at for log in logs)
