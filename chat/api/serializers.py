from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chat.models import ChatMessage, ChatSession, Rating


class ChatSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatSession
        fields = ["id", "title", "is_archived", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}


class ChatMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatMessage
        fields = ["id", "role", "content", "search_query", "sources", "request_id", "provider", "model",
                  "latency_ms", "prompt_tokens", "completion_tokens", "rating", "feedback", "created_at"]
        read_only_fields = fields


class QuestionSerializer(serializers.Serializer):
    content = serializers.CharField(
        allow_blank=True, trim_whitespace=False,
        error_messages={"required": _("질문(content)을 보내 주세요."), "null": _("질문(content)을 보내 주세요."),
                        "invalid": _("질문은 문자열이어야 합니다.")},
    )


class ExchangeSerializer(serializers.Serializer):
    user_message = ChatMessageSerializer()
    assistant_message = ChatMessageSerializer()


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        error_messages={"invalid_choice": _("평가는 1(도움됨) 또는 -1(도움 안 됨)이어야 합니다."),
                        "required": _("평가(rating)를 보내 주세요.")},
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
