import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import SuperUserFactory, UserFactory
from documents.tests.factories import make_indexed_document
from search.tests.factories import SearchQueryFactory, SearchResponseFactory, UserFeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperUserFactory())
    return client


def test_search_log_filters_zero_results_and_rating(admin_client):
    SearchResponseFactory(query=SearchQueryFactory(text="없는 약"), result_count=0)
    rated = SearchResponseFactory(query=SearchQueryFactory(text="리피토 용량"), result_count=3).query
    UserFeedbackFactory(query=rated, user=rated.user, rating=1)
    url = reverse("admin:search_searchquery_changelist")

    zero = admin_client.get(url, {"zero_results": "yes"}).content.decode()
    low = admin_client.get(url, {"rating": "1"}).content.decode()

    assert "없는 약" in zero and "리피토 용량" not in zero
    assert "리피토 용량" in low and "없는 약" not in low


def test_dashboard_shows_figures_and_svg_charts(admin_client):
    SearchResponseFactory(query=SearchQueryFactory(text="리피토"), result_count=0, response_time_ms=40)
    query = SearchResponseFactory(query=SearchQueryFactory(text="리피토"), response_time_ms=20).query
    UserFeedbackFactory(query=query, user=query.user, rating=2)

    response = admin_client.get(reverse("admin:search_dashboard"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"") == 4
    assert "50%" in body  # zero-result rate: 1 of 2
    assert "2.00" in body  # average rating
    assert "리피토" in body


def test_dashboard_refused_to_non_staff(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:search_dashboard")).status_code == 302


def test_retrieval_test_shows_both_legs_for_the_chosen_user(admin_client):
    make_indexed_document(["리피토 공급가 비공개 자료"], title="L3 자료", access_level=3)
    make_indexed_document(["리피토 복약 안내"], title="공개 자료")
    rep = UserFactory(access_level=1)

    response = admin_client.post(reverse("admin:search_retrieval_test"),
                                 {"query": "리피토", "user": rep.pk, "top_k": 5, "fusion": "rrf"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="dense-leg"' in body and 'id="lexical-leg"' in body
    assert "공개 자료" in body and "L3 자료" not in body


def test_retrieval_test_needs_its_own_permission(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_searchquery"))
    client.force_login(staff)

    assert client.get(reverse("admin:search_retrieval_test")).status_code == 403
    assert client.get(reverse("admin:search_dashboard")).status_code == 200


def test_synonym_group_is_editable_in_admin_and_expands_search(admin_client):
    from search.models import DrugSynonymGroup
    from search.services import retrieve

    response = admin_client.post(reverse("admin:search_drugsynonymgroup_add"), {
        "name": "노바스크", "note": "",
        "terms-TOTAL_FORMS": "2", "terms-INITIAL_FORMS": "0", "terms-MIN_NUM_FORMS": "0", "terms-MAX_NUM_FORMS": "1000",
        "terms-0-term": "노바스크", "terms-0-kind": "brand", "terms-1-term": "암로디핀", "terms-1-kind": "korean",
    })
    make_indexed_document(["암로디핀 베실산염 복용 시 부종"], title="성분 문서")

    assert response.status_code == 302
    assert DrugSynonymGroup.objects.get().terms.count() == 2
    assert retrieve(user=UserFactory(), query="노바스크 부종").lexical


def test_lexicon_page_lists_indexed_words_by_frequency_read_only(admin_client):
    make_indexed_document(["리피토 보관 방법", "리피토 복용 시간"], title="리피토")

    url = reverse("admin:search_lexiconterm_changelist")
    response = admin_client.get(url)
    rows = response.content.decode().split('id="result_list"', 1)[1]

    assert response.status_code == 200
    assert rows.index("리피토") < rows.index("보관")  # in 2 passages, listed before words in 1
    assert admin_client.get(reverse("admin:search_lexiconterm_add")).status_code == 403


def test_admin_edits_the_answer_attribute_lexicon_seeded_by_the_migration(admin_client):
    from search.models import AnswerAttribute

    page = admin_client.get("/admin/search/answerattribute/?q=신기능").content.decode()
    assert "신기능" in page and "콩팥" in page

    kidney = AnswerAttribute.objects.get(name="신기능")
    response = admin_client.post(f"/admin/search/answerattribute/{kidney.pk}/change/", {
        "name": "신기능", "question_terms": "신기능,콩팥,신장,사구체", "evidence_terms": "신기능,신장,크레아티닌",
        "is_active": "on"})
    assert response.status_code == 302
    kidney.refresh_from_db()
    assert kidney.question_terms == ["신기능", "콩팥", "신장", "사구체"]
