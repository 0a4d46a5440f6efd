from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from search.api.serializers import (
    FeedbackRequestSerializer,
    FeedbackSerializer,
    HistorySerializer,
    SearchResultSerializer,
)
from search.criteria import InvalidSearch
from search.models import SearchQuery, UserFeedback
from search.serializers import SearchRequestSerializer, validated_search_request
from search.services import feedback_submit, search_run


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidSearch(_("요청 본문은 JSON 객체여야 합니다."))
    return request.data


class SearchView(APIView):
    @extend_schema(request=SearchRequestSerializer, responses=SearchResultSerializer, summary="하이브리드 검색")
    def post(self, request):
        search = validated_search_request(request.data, user=request.user)  # 400 invalid_search, 403 for drafts
        return Response(SearchResultSerializer(search_run(user=request.user, search=search)).data)


class HistoryView(generics.ListAPIView):
    """The caller's own searches, newest first."""

    serializer_class = HistorySerializer
    filter_backends = []

    def get_queryset(self):
        own_rating = UserFeedback.objects.filter(query=OuterRef("pk"), user=self.request.user).values("rating")[:1]
        return (SearchQuery.objects.filter(user=self.request.user).select_related("response")
                .annotate(my_rating=Subquery(own_rating)).order_by("-created_at"))


class FeedbackView(APIView):
    @extend_schema(request=FeedbackRequestSerializer, responses={201: FeedbackSerializer, 200: FeedbackSerializer},
                   summary="검색 결과 평가", description="처음 평가하면 201, 같은 검색을 다시 평가하면 고쳐서 200.")
    def post(self, request, pk):
        data = _body(request)
        feedback, created = feedback_submit(user=request.user, query_id=pk, rating=data.get("rating"),
                                            comment=data.get("comment", ""))
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
