import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import answering, crm, services
from chat.api.serializers import (
    ChatMessageSerializer,
    ChatSessionSerializer,
    ExchangeSerializer,
    FeedbackSerializer,
    QuestionSerializer,
)
from chat.filters import ChatSessionFilter
from chat.models import ChatMessage, ChatSession
from config.exceptions import DomainError
from sales.selectors import CustomerNotFound

logger = logging.getLogger(__name__)


def sse(event: str, data) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)}\n\n".encode()


class ChatSessionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                         mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own conversations. Another user's session is 404."""

    serializer_class = ChatSessionSerializer
    filterset_class = ChatSessionFilter
    ordering_fields = ["updated_at", "created_at", "title"]

    def get_queryset(self):
        return ChatSession.objects.owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.session_create(owner=self.request.user,
                                                      title=serializer.validated_data.get("title", ""))

    def perform_update(self, serializer):
        serializer.instance = services.session_update(session=serializer.instance,
                                                      title=serializer.validated_data.get("title"),
                                                      is_archived=serializer.validated_data.get("is_archived"))

    def perform_destroy(self, instance):
        services.session_delete(session=instance)

    @extend_schema(responses=ChatMessageSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="messages", filterset_class=None)
    def messages(self, request, pk=None):
        session = self.get_object()
        queryset = ChatMessage.objects.filter(session=session).order_by("created_at", "id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ChatMessageSerializer(page, many=True).data)

    @extend_schema(
        request=QuestionSerializer,
        responses={201: ExchangeSerializer, (200, "text/event-stream"): OpenApiResponse(
            {"type": "object", "required": ["event", "data"], "properties": {
                "event": {"type": "string", "enum": ["meta", "delta", "done", "error"]},
                "data": {"type": "string", "description": "JSON"}}},
            description="stream=1: Server-Sent Events (meta, delta…, done 또는 error)")},
        parameters=[OpenApiParameter("stream", bool, description="1이면 Server-Sent Events로 답변을 흘려 보냅니다.")],
    )
    @messages.mapping.post
    def ask(self, request, pk=None):
        session = self.get_object()
        serializer = QuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = serializer.validated_data["content"]  # validated once, by answering.begin
        if request.query_params.get("stream") in ("1", "true"):
            events = answering.answer_events(session=session, user=request.user, question=question)
            response = StreamingHttpResponse(self._stream(events), content_type="text/event-stream; charset=utf-8")
            response["Cache-Control"] = "no-cache"
            response["X-Accel-Buffering"] = "no"
            return response
        question_message, answer_message = answering.answer(session=session, user=request.user, question=question)
        return Response({"user_message": ChatMessageSerializer(question_message).data,
                         "assistant_message": ChatMessageSerializer(answer_message).data},
                        status=status.HTTP_201_CREATED)

    @staticmethod
    def _stream(events):
        try:
            for event, payload in events:
                if event == "done":
                    payload = {"user_message": ChatMessageSerializer(payload["question"]).data,
                               "assistant_message": ChatMessageSerializer(payload["answer"]).data}
                yield sse(event, payload)
        except Exception:  # noqa: BLE001 - the response has started; report in-band instead of a broken stream
            logger.exception("chat stream failed")
            yield sse("error", {"detail": str(_("답변을 완성하지 못했습니다. 잠시 후 다시 질문해 주세요.")),
                                "code": "answer_failed"})

    @extend_schema(request=FeedbackSerializer, responses=ChatMessageSerializer)
    @action(detail=True, methods=["post"], url_path=r"messages/(?P<message_id>\d+)/feedback")
    def feedback(self, request, pk=None, message_id=None):
        session = self.get_object()
        message = get_object_or_404(ChatMessage, session=session, pk=message_id)
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.feedback_give(message=message, rating=serializer.validated_data["rating"],
                                         comment=serializer.validated_data.get("comment", ""))
        return Response(ChatMessageSerializer(message).data)


class BriefingParameterInvalid(DomainError):
    code = "customer_required"


class BriefingView(APIView):
    """GET ?customer={id}: the pre-call brief of a customer assigned to the caller (404 otherwise)."""

    @extend_schema(parameters=[OpenApiParameter("customer", int, required=True)], responses=dict)
    def get(self, request):
        raw = request.query_params.get("customer", "")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise BriefingParameterInvalid(_("거래처 번호를 customer 파라미터에 숫자로 보내 주세요. 예: ?customer=12"))
        try:
            brief = crm.customer_brief(user=request.user, customer_id=int(raw))
        except CustomerNotFound:
            raise exceptions.NotFound(_("담당 거래처가 아니거나 없는 거래처입니다.")) from None
        return Response(brief)
