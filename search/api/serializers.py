from rest_framework import serializers

from search.models import SearchQuery


class SearchHitSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="답변의 [n] 인용 번호")
    chunk_id = serializers.IntegerField()
    document_id = serializers.UUIDField()
    document_title = serializers.CharField()
    document_type = serializers.CharField()
    document_version = serializers.IntegerField()
    page = serializers.IntegerField(allow_null=True)
    section = serializers.CharField()
    text = serializers.CharField()
    score = serializers.FloatField()
    dense_score = serializers.FloatField(allow_null=True)
    lexical_score = serializers.FloatField(allow_null=True)
    highlights = serializers.ListField(child=serializers.CharField())


class SearchResultSerializer(serializers.Serializer):
    query_id = serializers.UUIDField()
    results = serializers.SerializerMethodField()
    answer = serializers.CharField(help_text="문서에서 뽑은 답변. 답할 수 없으면 무엇을 찾지 못했는지 말하고 아무것도 인용하지 않습니다.")
    answerable = serializers.BooleanField(
        help_text="답변이 문서 근거로 질문에 답하는지. false이면 결과(passages)는 있을 수 있지만 answer는 아무것도 인용하지 않습니다.")
    confidence = serializers.FloatField(help_text="답변 근거의 강도 0~1 (answerable이 false이면 0)")
    citations = serializers.ListField(child=serializers.IntegerField(), source="cited")
    response_time_ms = serializers.IntegerField()

    def get_results(self, outcome) -> list[dict]:
        return [SearchHitSerializer({"n": n, **vars(hit)}).data for n, hit in enumerate(outcome.hits, start=1)]


class HistorySerializer(serializers.ModelSerializer):
    query = serializers.CharField(source="text")
    result_count = serializers.IntegerField(source="response.result_count", allow_null=True, default=None)
    response_time_ms = serializers.IntegerField(source="response.response_time_ms", allow_null=True, default=None)
    answer = serializers.CharField(source="response.answer", allow_null=True, default=None)
    my_rating = serializers.IntegerField(allow_null=True)

    class Meta:
        model = SearchQuery
        fields = ["id", "query", "filters", "top_k", "session_id", "created_at", "result_count",
                  "response_time_ms", "answer", "my_rating"]


class FeedbackRequestSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True)


class FeedbackSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    query_id = serializers.UUIDField()
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
