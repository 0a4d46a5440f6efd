from django.urls import path
from rest_framework.routers import DefaultRouter

from chat.api.views import BriefingView, ChatSessionViewSet

app_name = "chat"

router = DefaultRouter()
router.register("sessions", ChatSessionViewSet, basename="session")

urlpatterns = [
    path("briefing/", BriefingView.as_view(), name="briefing"),
    *router.urls,
]
